from django.urls import path

from qic.core import views

app_name = "core"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("accessibility/", views.accessibility_statement, name="accessibility_statement"),
    path("cookies/", views.cookies, name="cookies"),
]
