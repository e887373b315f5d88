from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "qic.partners"
    label = "partners"
    verbose_name = "Employers and parents"

    def ready(self) -> None:
        # Placements: erased on anonymisation, and in the learner's subject-access export.
        from qic.partners import placement_receivers

        placement_receivers.register_subject_access()
