from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "qic.accreditation"
    label = "accreditation"
    verbose_name = "Accreditation"
