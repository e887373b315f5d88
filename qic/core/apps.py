from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qic.core"
    label = "core"
    verbose_name = "Core"
