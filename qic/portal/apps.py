from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "qic.portal"
    label = "portal"
    verbose_name = "Learners' own pages"
