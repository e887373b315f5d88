from django.urls import path

from qic.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("client-requests/<int:pk>/", views.client_request_answer, name="client_request_answer"),
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
    path("audit/", views.audit_log, name="audit_log"),
]
