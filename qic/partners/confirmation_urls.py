"""The confirmation pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import confirmation_link_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("link/employer/<str:token>/", confirmation_link_views.employer_confirm, name="employer_confirm"),
]
