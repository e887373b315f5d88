"""The feedback pages' addresses (joined in qic.partners.urls): staff ask for feedback after an
activity and read it; the respondent's link opens the form."""

from django.urls import URLPattern, URLResolver, path

from qic.partners import feedback_link_views, feedback_views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "providers/<int:urn>/activities/<int:pk>/feedback/request/",
        feedback_views.feedback_request,
        name="feedback_request",
    ),
    path(
        "providers/<int:urn>/activities/<int:pk>/feedback/",
        feedback_views.activity_feedback,
        name="activity_feedback",
    ),
    path("providers/<int:urn>/feedback/", feedback_views.feedback_summary, name="feedback_summary"),
    path("providers/<int:urn>/feedback/export/", feedback_views.feedback_export, name="feedback_export"),
    path("link/feedback/<str:token>/", feedback_link_views.feedback_form, name="feedback_form"),
]
