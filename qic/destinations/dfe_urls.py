"""Destinations: the Consortium's DfE destination measures pages (see urls.py)."""

from django.urls import URLPattern, URLResolver, path

from qic.destinations import dfe_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("consortium/destinations/", dfe_views.dfe_releases, name="dfe_releases"),
    path("consortium/destinations/<int:pk>/", dfe_views.dfe_release, name="dfe_release"),
]
