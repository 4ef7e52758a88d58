from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "apps.moderation"
    label = "moderation"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
