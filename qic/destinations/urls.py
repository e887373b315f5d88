"""Destinations pages: each learner's destinations and their import (staff with learners' data),
the analysis beside the DfE measures (figures), and the Consortium's loading of the DfE files."""

from django.urls import URLPattern, URLResolver

from qic.destinations import analysis_urls, dfe_urls, entry_urls, import_urls

app_name = "destinations"

urlpatterns: list[URLPattern | URLResolver] = [
    *entry_urls.urlpatterns,
    *import_urls.urlpatterns,
    *analysis_urls.urlpatterns,
    *dfe_urls.urlpatterns,
]
