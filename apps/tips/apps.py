from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "apps.tips"
    label = "tips"
    verbose_name = "Tips and supporter payouts"
