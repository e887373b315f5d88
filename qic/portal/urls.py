from django.urls import path

from qic.accounts.views import LoginView
from qic.portal import entries_views, passport_views, signin_views, staff_views, views

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
    # A learner's own experiences and achievements (criterion 3.3), and their careers passport.
    path("my/experiences/", entries_views.experiences, name="experiences"),
    path("my/experiences/add/", entries_views.experience_add, name="experience_add"),
    path("my/experiences/<int:pk>/", entries_views.experience_edit, name="experience_edit"),
    path("my/experiences/<int:pk>/remove/", entries_views.experience_remove, name="experience_remove"),
    path("my/passport/", passport_views.passport, name="passport"),
    # Staff: learners' entries, to verify or hide.
    path("providers/<int:urn>/learner-entries/", staff_views.learner_entries, name="learner_entries"),
    path(
        "providers/<int:urn>/learner-entries/<int:pk>/verify/",
        staff_views.learner_entry_verify,
        name="learner_entry_verify",
    ),
    path(
        "providers/<int:urn>/learner-entries/<int:pk>/hide/",
        staff_views.learner_entry_hide,
        name="learner_entry_hide",
    ),
    # A learner signs in to an activity in the room, and reflects on what they attended.
    path("my/sign-in/", signin_views.activity_sign_in, name="activity_sign_in"),
    path("my/sign-in/<str:code>/", signin_views.activity_sign_in, name="activity_sign_in_code"),
    path("my/reflections/<int:activity_id>/", signin_views.reflection, name="reflection"),
]
