from django.urls import path

from qic.accounts.views import LoginView
from qic.portal import signin_views, views

app_name = "portal"

urlpatterns = [
    path(
        "learner/sign-in/",
        LoginView.as_view(template_name="portal/sign_in.html"),
        name="sign_in",
    ),
    path("my/", views.home, name="home"),
    path("my/sign-in/", signin_views.activity_sign_in, name="activity_sign_in"),
    path("my/sign-in/<str:code>/", signin_views.activity_sign_in, name="activity_sign_in_code"),
    path("my/reflections/<int:activity_id>/", signin_views.reflection, name="reflection"),
]
