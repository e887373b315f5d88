"""Staff pages for employers, placements, parents and feedback, and the pages links open.

Link pages live under /link/<kind>/<token>/ (qic.partners.delivery.URL_NAMES): one kind per
purpose, so a token for one purpose never opens another's page.
"""

from django.urls import URLPattern, URLResolver

from qic.partners import confirmation_urls, directory_urls, feedback_urls, parent_urls, placement_urls

app_name = "partners"

urlpatterns: list[URLPattern | URLResolver] = [
    *directory_urls.urlpatterns,
    *confirmation_urls.urlpatterns,
    *placement_urls.urlpatterns,
    *parent_urls.urlpatterns,
    *feedback_urls.urlpatterns,
]
