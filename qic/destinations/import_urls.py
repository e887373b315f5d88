"""Destinations: the CSV import (see urls.py)."""

from django.urls import URLPattern, URLResolver, path

from qic.destinations import import_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("providers/<int:urn>/destinations/import/", import_views.destination_import, name="import"),
    path(
        "providers/<int:urn>/destinations/import/template.csv",
        import_views.import_template,
        name="import_template",
    ),
]
