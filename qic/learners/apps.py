from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "qic.learners"
    label = "learners"
    verbose_name = "Learners"
