from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "qic.programme"
    label = "programme"
    verbose_name = "Careers programme"
