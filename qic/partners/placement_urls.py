"""The placement pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import placement_link_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("link/placement/<str:token>/", placement_link_views.placement_employer, name="placement_employer"),
]
