from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "qic.partners"
    label = "partners"
    verbose_name = "Employers and parents"
