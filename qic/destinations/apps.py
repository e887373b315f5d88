from django.apps import AppConfig


class DestinationsConfig(AppConfig):
    name = "qic.destinations"
    label = "destinations"
    verbose_name = "Destinations"

    def ready(self) -> None:
        # Destinations are learner data: erased with the learner's identity on anonymisation, and
        # in the learner's subject-access export (docs/decisions.md).
        from qic.destinations import receivers

        receivers.register()
