"""The confirmation pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import confirmation_link_views, confirmation_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("link/employer/<str:token>/", confirmation_link_views.employer_confirm, name="employer_confirm"),
    # Staff: asking an employer to confirm an activity; every link the provider has issued.
    path(
        "providers/<int:urn>/activities/<int:pk>/confirm/",
        confirmation_views.confirmation_request,
        name="confirmation_request",
    ),
    path("providers/<int:urn>/links/", confirmation_views.link_list, name="link_list"),
    path("providers/<int:urn>/links/<int:pk>/resend/", confirmation_views.link_resend, name="link_resend"),
    path("providers/<int:urn>/links/<int:pk>/withdraw/", confirmation_views.link_withdraw, name="link_withdraw"),
]
