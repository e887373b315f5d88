from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "qic.organisations"
    label = "organisations"
    verbose_name = "Organisations and people"
