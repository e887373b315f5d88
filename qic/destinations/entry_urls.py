"""Destinations: the careers leader's hub, a cohort's learners and each learner's destinations
(see urls.py)."""

from django.urls import URLPattern, URLResolver, path

from qic.destinations import entry_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("providers/<int:urn>/destinations/", entry_views.home, name="home"),
    path("providers/<int:urn>/destinations/cohort/", entry_views.cohort, name="cohort"),
    path("providers/<int:urn>/learners/<int:pk>/destinations/", entry_views.learner_destinations, name="learner"),
    path(
        "providers/<int:urn>/learners/<int:pk>/destinations/add/",
        entry_views.destination_add,
        name="destination_add",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/destinations/<int:destination_pk>/change/",
        entry_views.destination_change,
        name="destination_change",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/destinations/<int:destination_pk>/remove/",
        entry_views.destination_remove,
        name="destination_remove",
    ),
]
