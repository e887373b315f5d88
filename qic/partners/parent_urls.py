"""The parent pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import parent_link_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("link/family/<str:token>/", parent_link_views.parent_home, name="parent_home"),
]
