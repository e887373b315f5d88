from django.contrib.auth import views as auth_views
from django.urls import include, path

from qic.api import api
from qic.organisations import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("framework/", include("qic.frameworks.urls")),
    path("consortium/invite/", views.consortium_invite, name="consortium_invite"),
    path("consortium/gias/", views.gias_import, name="gias_import"),
    path("awarding-bodies/", views.awarding_body_list, name="awarding_body_list"),
    path("awarding-bodies/new/", views.awarding_body_create, name="awarding_body_create"),
    path("awarding-bodies/<int:pk>/", views.awarding_body_detail, name="awarding_body_detail"),
    path("awarding-bodies/<int:pk>/edit/", views.awarding_body_edit, name="awarding_body_edit"),
    path("awarding-bodies/<int:pk>/invite/", views.awarding_body_invite, name="awarding_body_invite"),
    path("awarding-bodies/<int:pk>/clients/add/", views.awarding_body_add_client, name="awarding_body_add_client"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:urn>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:urn>/invite/", views.provider_invite, name="provider_invite"),
    path("providers/<int:urn>/assessors/", views.provider_assign_assessor, name="provider_assign_assessor"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("audit/", views.audit_log, name="audit_log"),
    path("api/v1/", api.urls),
]

handler403 = "qic.core.views.permission_denied"
handler404 = "qic.core.views.page_not_found"
handler500 = "qic.core.views.server_error"
