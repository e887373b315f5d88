"""The placement pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import placement_link_views, placement_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("providers/<int:urn>/placements/", placement_views.placement_list, name="placement_list"),
    path("providers/<int:urn>/placements/export.csv", placement_views.placement_export, name="placement_export"),
    path("providers/<int:urn>/placements/new/", placement_views.placement_new, name="placement_new"),
    path("providers/<int:urn>/placements/<int:pk>/", placement_views.placement_detail, name="placement_detail"),
    path("providers/<int:urn>/placements/<int:pk>/move/", placement_views.placement_move, name="placement_move"),
    path("providers/<int:urn>/placements/<int:pk>/cancel/", placement_views.placement_cancel, name="placement_cancel"),
    path(
        "providers/<int:urn>/placements/<int:pk>/employer-link/",
        placement_views.placement_employer_link,
        name="placement_employer_link",
    ),
    path(
        "providers/<int:urn>/placements/<int:pk>/consent-link/",
        placement_views.placement_consent_link,
        name="placement_consent_link",
    ),
    path(
        "providers/<int:urn>/placements/<int:pk>/consent/",
        placement_views.placement_consent_paper,
        name="placement_consent_paper",
    ),
    path(
        "providers/<int:urn>/placements/<int:pk>/checks/",
        placement_views.placement_school_checks,
        name="placement_school_checks",
    ),
    path(
        "providers/<int:urn>/placements/<int:pk>/complete/",
        placement_views.placement_complete,
        name="placement_complete",
    ),
    path(
        "providers/<int:urn>/placements/<int:pk>/documents/<int:doc>/",
        placement_views.placement_document,
        name="placement_document",
    ),
    path("link/placement/<str:token>/", placement_link_views.placement_employer, name="placement_employer"),
    path(
        "link/family/<str:token>/placements/<int:pk>/consent/",
        placement_link_views.placement_consent,
        name="placement_consent",
    ),
]
