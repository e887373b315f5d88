"""Destinations: the analysis beside the DfE's measures (see urls.py), for every role that sees a
provider's figures."""

from django.urls import URLPattern, URLResolver, path

from qic.destinations import analysis_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("providers/<int:urn>/destinations/analysis/", analysis_views.analysis, name="analysis"),
    path("providers/<int:urn>/destinations/analysis/export/", analysis_views.analysis_export, name="analysis_export"),
]
