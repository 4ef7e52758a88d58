from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        from django_structlog.signals import bind_extra_request_metadata

        from .request_logging import bind_client_address

        bind_extra_request_metadata.connect(bind_client_address)
