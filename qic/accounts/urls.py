from django.contrib.auth import views as auth_views
from django.urls import path

from qic.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views.mfa_verify, name="mfa_verify"),
    path("accounts/two-factor/set-up/", views.mfa_setup, name="mfa_setup"),
    path("accounts/two-factor/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path(
        "accounts/two-factor/recovery-codes/new/",
        views.mfa_recovery_regenerate,
        name="mfa_recovery_regenerate",
    ),
    path("accounts/security/", views.security_settings, name="security_settings"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
