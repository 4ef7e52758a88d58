from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "apps.tips"
    label = "tips"
    verbose_name = "Tips and supporter payouts"

    def ready(self) -> None:
        # Connects the receivers for dj-stripe's verified webhook signals.
        from . import webhooks  # noqa: F401
