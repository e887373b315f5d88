from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "qic.portal"
    label = "portal"
    verbose_name = "Learners' own pages"

    def ready(self) -> None:
        # Erases what a learner wrote when the programme anonymises them.
        from qic.portal import receivers  # noqa: F401
