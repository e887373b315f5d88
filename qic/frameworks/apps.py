from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "qic.frameworks"
    label = "frameworks"
    verbose_name = "National criteria"
