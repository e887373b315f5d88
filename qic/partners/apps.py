from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "qic.partners"
    label = "partners"
    verbose_name = "Employers and parents"

    def ready(self) -> None:
        # A learner's parents' contacts and links go when the learner is anonymised, and are in
        # their subject-access export (docs/decisions.md §70).
        from qic.partners import parent_data, placement_receivers, receivers  # noqa: F401
        from qic.partners.confirmation_views import activity_panel
        from qic.programme.activity_panels import register_panel

        parent_data.register()

        # The activity page (programme, which may not import this app) shows whether the
        # employer confirmed the activity, with the links sent to them.
        register_panel("employer_confirmation", activity_panel)
        # Placements: erased on anonymisation, and in the learner's subject-access export.
        placement_receivers.register_subject_access()
