from django.apps import AppConfig


class DemoConfig(AppConfig):
    # An app only so that `manage.py load_demo` lives beside the dataset it loads; no models.
    name = "qic.demo"
    label = "demo"
    verbose_name = "Demo dataset"
