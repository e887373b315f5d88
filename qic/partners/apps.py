from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "qic.partners"
    label = "partners"
    verbose_name = "Employers and parents"

    def ready(self) -> None:
        from qic.partners.confirmation_views import activity_panel
        from qic.programme.activity_panels import register_panel

        # The activity page (programme, which may not import this app) shows whether the
        # employer confirmed the activity, with the links sent to them.
        register_panel("employer_confirmation", activity_panel)
