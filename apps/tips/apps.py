from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "apps.tips"
    label = "tips"
    verbose_name = "Tips and supporter payouts"

    def ready(self) -> None:
        # Connects the receivers for dj-stripe's verified webhook signals.
        from django.conf import settings

        from . import webhooks  # noqa: F401

        if getattr(settings, "STRIPE_API_BASE", ""):
            from .localstripe import configure_stripe_sdk

            configure_stripe_sdk(settings.STRIPE_API_BASE)
