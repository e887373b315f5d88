from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "qic.national"
    label = "national"
    verbose_name = "National: register, endorsement and analytics"
