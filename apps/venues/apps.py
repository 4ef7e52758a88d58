from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "apps.venues"
    label = "venues"
    verbose_name = "Venues and jukebox events"

    def ready(self) -> None:
        # Connects the signal that forgets an event's cached pool when the pool changes.
        from . import providers  # noqa: F401
