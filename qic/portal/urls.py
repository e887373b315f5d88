from django.urls import path

from qic.accounts.views import LoginView
from qic.portal import views

app_name = "portal"

urlpatterns = [
    path(
        "learner/sign-in/",
        LoginView.as_view(template_name="portal/sign_in.html"),
        name="sign_in",
    ),
    path("learner/start/", views.start, name="start"),
    path("learner/start/<str:code>/", views.start, name="start_with_code"),
    path("my/", views.home, name="home"),
]
