from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "qic.programme"
    label = "programme"
    verbose_name = "Careers programme"

    def ready(self) -> None:
        # Keeps the tallies in step when the learners app changes a learner's curriculum area.
        from qic.programme import receivers  # noqa: F401
