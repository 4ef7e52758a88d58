from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        from django_structlog.signals import (
            bind_extra_request_failed_metadata,
            bind_extra_request_finished_metadata,
            bind_extra_request_metadata,
        )

        from .request_logging import add_duration_and_route, bind_client_address

        bind_extra_request_metadata.connect(bind_client_address)
        bind_extra_request_finished_metadata.connect(add_duration_and_route)
        bind_extra_request_failed_metadata.connect(add_duration_and_route)
