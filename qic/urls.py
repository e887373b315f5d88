from django.contrib.auth import views as auth_views
from django.urls import include, path

from qic.accounts import views as account_views
from qic.api import api
from qic.core import views as core_views
from qic.dashboards import views as dashboard_views
from qic.learners import views as learner_views
from qic.organisations import views
from qic.programme import learner_views as programme_learner_views
from qic.programme import provider_access_views
from qic.programme import views as programme_views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", dashboard_views.home, name="home"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", account_views.mfa_verify, name="mfa_verify"),
    path("accounts/two-factor/set-up/", account_views.mfa_setup, name="mfa_setup"),
    path("accounts/two-factor/recovery-codes/", account_views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path(
        "accounts/two-factor/recovery-codes/new/",
        account_views.mfa_recovery_regenerate,
        name="mfa_recovery_regenerate",
    ),
    path("accounts/security/", account_views.security_settings, name="security_settings"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("client-requests/<int:pk>/", views.client_request_answer, name="client_request_answer"),
    path("framework/", include("qic.frameworks.urls")),
    path("consortium/invite/", views.consortium_invite, name="consortium_invite"),
    path("consortium/gias/", views.gias_import, name="gias_import"),
    path("consortium/gias/<int:pk>/", views.gias_import_status, name="gias_import_status"),
    path("consortium/client-requests/", views.client_request_list, name="client_request_list"),
    path("awarding-bodies/", views.awarding_body_list, name="awarding_body_list"),
    path("awarding-bodies/new/", views.awarding_body_create, name="awarding_body_create"),
    path("awarding-bodies/<int:pk>/", views.awarding_body_detail, name="awarding_body_detail"),
    path("awarding-bodies/<int:pk>/edit/", views.awarding_body_edit, name="awarding_body_edit"),
    path("awarding-bodies/<int:pk>/invite/", views.awarding_body_invite, name="awarding_body_invite"),
    path("awarding-bodies/<int:pk>/clients/add/", views.awarding_body_add_client, name="awarding_body_add_client"),
    path(
        "awarding-bodies/<int:pk>/clients/new-training-provider/",
        views.awarding_body_add_itp,
        name="awarding_body_add_itp",
    ),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new-training-provider/", views.itp_create, name="itp_create"),
    path("providers/<int:urn>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:urn>/invite/", views.provider_invite, name="provider_invite"),
    path("providers/<int:urn>/assessors/", views.provider_assign_assessor, name="provider_assign_assessor"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    # A provider's learners and careers programme.
    path("providers/<int:urn>/learners/", learner_views.learner_list, name="learner_list"),
    path("providers/<int:urn>/learners/import/", learner_views.learner_import, name="learner_import"),
    path(
        "providers/<int:urn>/learners/import/<int:pk>/",
        learner_views.learner_import_status,
        name="learner_import_status",
    ),
    path(
        "providers/<int:urn>/learners/import/<int:pk>/confirm/",
        learner_views.learner_import_confirm,
        name="learner_import_confirm",
    ),
    path(
        "providers/<int:urn>/learners/import/<int:pk>/cancel/",
        learner_views.learner_import_cancel,
        name="learner_import_cancel",
    ),
    path("providers/<int:urn>/learners/<int:pk>/", programme_learner_views.learner_detail, name="learner_detail"),
    path("providers/<int:urn>/learners/<int:pk>/edit/", learner_views.learner_edit, name="learner_edit"),
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
    path("providers/<int:urn>/activities/", programme_views.activity_list, name="activity_list"),
    path("providers/<int:urn>/activities/new/", programme_views.activity_form, name="activity_create"),
    path("providers/<int:urn>/activities/meaning/", programme_views.activity_meaning, name="activity_meaning"),
    path("providers/<int:urn>/activities/<int:pk>/", programme_views.activity_detail, name="activity_detail"),
    path("providers/<int:urn>/activities/<int:pk>/edit/", programme_views.activity_form, name="activity_edit"),
    path(
        "providers/<int:urn>/activities/<int:pk>/attendance/",
        programme_views.attendance_import,
        name="attendance_import",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/attendance/import/<int:job_id>/",
        programme_views.attendance_import_status,
        name="attendance_import_status",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/register/<int:learner_pk>/remove/",
        programme_views.participation_remove,
        name="participation_remove",
    ),
    path("providers/<int:urn>/activities/<int:pk>/remove/", programme_views.activity_remove, name="activity_remove"),
    path("providers/<int:urn>/class-lists/", programme_views.class_lists, name="class_lists"),
    path("providers/<int:urn>/class-lists/new/", programme_views.class_list_create, name="class_list_create"),
    path(
        "providers/<int:urn>/class-lists/<int:pk>/rename/",
        programme_views.class_list_rename,
        name="class_list_rename",
    ),
    path(
        "providers/<int:urn>/class-lists/<int:pk>/remove/",
        programme_views.class_list_remove,
        name="class_list_remove",
    ),
    path("providers/<int:urn>/interviews/", programme_views.interview_list, name="interview_list"),
    path("providers/<int:urn>/interviews/new/", programme_views.interview_form, name="interview_create"),
    path("providers/<int:urn>/interviews/<int:pk>/edit/", programme_views.interview_form, name="interview_edit"),
    path("providers/<int:urn>/interviews/<int:pk>/remove/", programme_views.interview_remove, name="interview_remove"),
    path("providers/<int:urn>/advisers/", programme_views.adviser_list, name="adviser_list"),
    path("providers/<int:urn>/advisers/new/", programme_views.adviser_form, name="adviser_create"),
    path("providers/<int:urn>/advisers/<int:pk>/edit/", programme_views.adviser_form, name="adviser_edit"),
    path("providers/<int:urn>/advisers/<int:pk>/remove/", programme_views.adviser_remove, name="adviser_remove"),
    path("providers/<int:urn>/removed/", programme_views.removed_list, name="removed_list"),
    path(
        "providers/<int:urn>/removed/<slug:kind>/<int:pk>/restore/",
        programme_views.removed_restore,
        name="removed_restore",
    ),
    path("providers/<int:urn>/benchmarks/", dashboard_views.benchmark_dashboard, name="benchmark_dashboard"),
    path(
        "providers/<int:urn>/benchmarks/export/<slug:table>.csv",
        programme_views.benchmark_export,
        name="benchmark_export",
    ),
    path("providers/<int:urn>/benchmarks/<str:code>/", programme_views.measure_detail, name="measure_detail"),
    path("providers/<int:urn>/programme/", programme_views.programme_answers, name="programme_answers"),
    path("providers/<int:urn>/provider-access/", provider_access_views.provider_access, name="provider_access"),
    path(
        "providers/<int:urn>/provider-access/pupils.csv",
        provider_access_views.provider_access_export,
        name="provider_access_export",
    ),
    path("providers/<int:urn>/work-experience/", programme_views.work_experience_page, name="work_experience"),
    path(
        "providers/<int:urn>/work-experience/below-target.csv",
        programme_views.work_experience_export,
        name="work_experience_export",
    ),
    path("providers/<int:urn>/api-tokens/", programme_views.api_tokens, name="api_tokens"),
    path("providers/<int:urn>/api-tokens/<int:pk>/revoke/", programme_views.api_token_revoke, name="api_token_revoke"),
    path("", include("qic.accreditation.urls")),
    path("", include("qic.national.urls")),
    path("audit/", views.audit_log, name="audit_log"),
    path("privacy/", core_views.privacy_notice, name="privacy_notice"),
    path("accessibility/", core_views.accessibility_statement, name="accessibility_statement"),
    path("cookies/", core_views.cookies, name="cookies"),
    path("api/v1/", api.urls),
]

handler403 = "qic.core.views.permission_denied"
handler404 = "qic.core.views.page_not_found"
handler500 = "qic.core.views.server_error"
