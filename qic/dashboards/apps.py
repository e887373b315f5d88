from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "qic.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
