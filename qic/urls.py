from django.urls import include, path

from qic.api import api

urlpatterns = [
    path("", include("qic.organisations.urls")),
    path("", include("qic.dashboards.urls")),
    path("", include("qic.accounts.urls")),
    path("framework/", include("qic.frameworks.urls")),
    path("", include("qic.learners.urls")),
    path("", include("qic.programme.urls")),
    path("", include("qic.portal.urls")),
    path("", include("qic.partners.urls")),
    path("", include("qic.destinations.urls")),
    path("", include("qic.accreditation.urls")),
    path("", include("qic.national.urls")),
    path("", include("qic.core.urls")),
    path("api/v1/", api.urls),
]

handler403 = "qic.core.views.permission_denied"
handler404 = "qic.core.views.page_not_found"
handler500 = "qic.core.views.server_error"
