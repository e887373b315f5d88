"""The directory pages' addresses (joined in qic.partners.urls)."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import directory_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("providers/<int:urn>/employers/", views.employer_list, name="employer_list"),
    path("providers/<int:urn>/employers/new/", views.employer_form, name="employer_create"),
    path("providers/<int:urn>/employers/import/", views.employer_import, name="employer_import"),
    path("providers/<int:urn>/employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("providers/<int:urn>/employers/<int:pk>/edit/", views.employer_form, name="employer_edit"),
    path("providers/<int:urn>/employers/<int:pk>/remove/", views.employer_remove, name="employer_remove"),
    path("providers/<int:urn>/employers/<int:pk>/restore/", views.employer_restore, name="employer_restore"),
    path("providers/<int:urn>/employers/<int:pk>/contacts/new/", views.contact_form, name="contact_create"),
    path(
        "providers/<int:urn>/employers/<int:pk>/contacts/<int:contact_pk>/edit/",
        views.contact_form,
        name="contact_edit",
    ),
    path(
        "providers/<int:urn>/employers/<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("providers/<int:urn>/activities/<int:pk>/employers/", views.activity_employers, name="activity_employers"),
]
