from django.urls import path

from qic.programme import learner_views as programme_learner_views
from qic.programme import provider_access_views, sign_in_views, views

app_name = "programme"

urlpatterns = [
    path("providers/<int:urn>/learners/<int:pk>/", programme_learner_views.learner_detail, name="learner_detail"),
    path(
        "providers/<int:urn>/learners/<int:pk>/learner-view/",
        programme_learner_views.learner_view,
        name="learner_view",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/data/",
        programme_learner_views.learner_subject_access,
        name="learner_subject_access",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/data.pdf",
        programme_learner_views.learner_subject_access_pdf,
        name="learner_subject_access_pdf",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/data.json",
        programme_learner_views.learner_subject_access_json,
        name="learner_subject_access_json",
    ),
    path(
        "providers/<int:urn>/learners/<int:pk>/anonymise/",
        programme_learner_views.learner_anonymise,
        name="learner_anonymise",
    ),
    path("providers/<int:urn>/activities/", views.activity_list, name="activity_list"),
    path("providers/<int:urn>/activities/new/", views.activity_form, name="activity_create"),
    path("providers/<int:urn>/activities/meaning/", views.activity_meaning, name="activity_meaning"),
    path(
        "providers/<int:urn>/activities/reflections/",
        sign_in_views.reflection_setting,
        name="reflection_setting",
    ),
    path("providers/<int:urn>/activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("providers/<int:urn>/activities/<int:pk>/edit/", views.activity_form, name="activity_edit"),
    path(
        "providers/<int:urn>/activities/<int:pk>/attendance/",
        views.attendance_import,
        name="attendance_import",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/attendance/import/<int:job_id>/",
        views.attendance_import_status,
        name="attendance_import_status",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/register/<int:learner_pk>/remove/",
        views.participation_remove,
        name="participation_remove",
    ),
    path("providers/<int:urn>/activities/<int:pk>/remove/", views.activity_remove, name="activity_remove"),
    path("providers/<int:urn>/activities/<int:pk>/sign-in/", sign_in_views.activity_sign_in, name="activity_sign_in"),
    path(
        "providers/<int:urn>/activities/<int:pk>/sign-in/room/",
        sign_in_views.activity_sign_in_room,
        name="activity_sign_in_room",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/sign-in/<int:sign_in_pk>/not-there/",
        sign_in_views.activity_sign_in_override,
        name="activity_sign_in_override",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/reflections/",
        sign_in_views.activity_reflections,
        name="activity_reflections",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/reflections/<int:reflection_pk>/hide/",
        sign_in_views.reflection_hide,
        name="reflection_hide",
    ),
    path("providers/<int:urn>/class-lists/", views.class_lists, name="class_lists"),
    path("providers/<int:urn>/class-lists/new/", views.class_list_create, name="class_list_create"),
    path(
        "providers/<int:urn>/class-lists/<int:pk>/rename/",
        views.class_list_rename,
        name="class_list_rename",
    ),
    path(
        "providers/<int:urn>/class-lists/<int:pk>/remove/",
        views.class_list_remove,
        name="class_list_remove",
    ),
    path("providers/<int:urn>/interviews/", views.interview_list, name="interview_list"),
    path("providers/<int:urn>/interviews/new/", views.interview_form, name="interview_create"),
    path("providers/<int:urn>/interviews/<int:pk>/edit/", views.interview_form, name="interview_edit"),
    path("providers/<int:urn>/interviews/<int:pk>/remove/", views.interview_remove, name="interview_remove"),
    path("providers/<int:urn>/advisers/", views.adviser_list, name="adviser_list"),
    path("providers/<int:urn>/advisers/new/", views.adviser_form, name="adviser_create"),
    path("providers/<int:urn>/advisers/<int:pk>/edit/", views.adviser_form, name="adviser_edit"),
    path("providers/<int:urn>/advisers/<int:pk>/remove/", views.adviser_remove, name="adviser_remove"),
    path("providers/<int:urn>/removed/", views.removed_list, name="removed_list"),
    path(
        "providers/<int:urn>/removed/<slug:kind>/<int:pk>/restore/",
        views.removed_restore,
        name="removed_restore",
    ),
    path(
        "providers/<int:urn>/benchmarks/export/<slug:table>.csv",
        views.benchmark_export,
        name="benchmark_export",
    ),
    path("providers/<int:urn>/benchmarks/<str:code>/", views.measure_detail, name="measure_detail"),
    path("providers/<int:urn>/programme/", views.programme_answers, name="programme_answers"),
    path("providers/<int:urn>/provider-access/", provider_access_views.provider_access, name="provider_access"),
    path(
        "providers/<int:urn>/provider-access/pupils.csv",
        provider_access_views.provider_access_export,
        name="provider_access_export",
    ),
    path("providers/<int:urn>/work-experience/", views.work_experience_page, name="work_experience"),
    path(
        "providers/<int:urn>/work-experience/below-target.csv",
        views.work_experience_export,
        name="work_experience_export",
    ),
    path("providers/<int:urn>/api-tokens/", views.api_tokens, name="api_tokens"),
    path("providers/<int:urn>/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
