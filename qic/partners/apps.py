from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "qic.partners"
    label = "partners"
    verbose_name = "Employers and parents"

    def ready(self) -> None:
        # A learner's parents' contacts and links go when the learner is anonymised, and are in
        # their subject-access export (docs/decisions-i15-parents.md).
        from qic.partners import parent_data, receivers  # noqa: F401

        parent_data.register()
