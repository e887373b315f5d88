from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "qic.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Signal receivers (workers' heartbeats, request ids), then every app's tasks (and what to do
        # if one is lost).
        from qic.core import jobs, logs  # noqa: F401

        autodiscover_modules("tasks")
