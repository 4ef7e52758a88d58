from django.apps import AppConfig


class PerformancesConfig(AppConfig):
    name = "apps.performances"
    label = "performances"
