from django.urls import path

from qic.learners import access_views, views

app_name = "learners"

urlpatterns = [
    # A provider's learners and careers programme.
    path("providers/<int:urn>/learners/", views.learner_list, name="learner_list"),
    path("providers/<int:urn>/learners/import/", views.learner_import, name="learner_import"),
    path(
        "providers/<int:urn>/learners/import/<int:pk>/",
        views.learner_import_status,
        name="learner_import_status",
    ),
    path(
        "providers/<int:urn>/learners/import/<int:pk>/confirm/",
        views.learner_import_confirm,
        name="learner_import_confirm",
    ),
    path(
        "providers/<int:urn>/learners/import/<int:pk>/cancel/",
        views.learner_import_cancel,
        name="learner_import_cancel",
    ),
    path("providers/<int:urn>/learners/<int:pk>/edit/", views.learner_edit, name="learner_edit"),
]

urlpatterns += [
    # Learners' own sign-in: which year groups may, printed code sheets and school-email invitations.
    path("providers/<int:urn>/learner-access/", access_views.learner_access, name="learner_access"),
    path("providers/<int:urn>/learner-access/sheet/", access_views.learner_access_sheet, name="learner_access_sheet"),
    path(
        "providers/<int:urn>/learner-access/learners/<int:pk>/",
        access_views.learner_invite,
        name="learner_invite",
    ),
]
