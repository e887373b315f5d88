"""The directory pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
