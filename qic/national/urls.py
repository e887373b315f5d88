from django.urls import path

from qic.national import views

app_name = "national"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("register.json", views.register_json, name="register_json"),
    path("primary-awards/", views.primary_awards_public, name="primary_awards_public"),
    path("consortium/bodies/", views.bodies_overview, name="bodies_overview"),
    path("consortium/cec-return/", views.cec_return, name="cec_return"),
    path("consortium/analytics/", views.analytics, name="national_analytics"),
    path("consortium/analytics/breakdown/", views.analytics_drill, name="national_analytics_drill"),
    path("consortium/consistency/", views.consistency, name="consistency"),
    path("consortium/endorsement/", views.endorsement_queue, name="endorsement_queue"),
    path("consortium/endorsement/<int:pk>/", views.endorsement_decide, name="endorsement_decide"),
    path("primary/awards/", views.primary_award_list, name="primary_award_list"),
    path("primary/awards/new/", views.primary_award_form, name="primary_award_create"),
    path("primary/awards/<int:pk>/", views.primary_award_detail, name="primary_award_detail"),
    path("primary/awards/<int:pk>/edit/", views.primary_award_form, name="primary_award_edit"),
    path("primary/awards/<int:pk>/endorsement/", views.endorsement_answers, name="endorsement_answers"),
    path("primary/awards/<int:pk>/tasks/", views.task_create, name="primary_task_create"),
    path("providers/<int:urn>/primary/", views.workbook, name="primary_workbook"),
    path("providers/<int:urn>/primary/mappings/<int:pk>/remove/", views.mapping_remove, name="primary_mapping_remove"),
    path("providers/<int:urn>/primary/actions/<int:pk>/toggle/", views.action_toggle, name="primary_action_toggle"),
]
