"""A deleted item takes its reports with it; the log of decisions on it stays."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete

from . import services
from .kinds import KINDS


def _forget(sender: type, instance: Any, **kwargs: Any) -> None:
    services.forget_item(instance)


def connect() -> None:
    for reportable in KINDS.values():
        post_delete.connect(
            _forget, sender=reportable.model, dispatch_uid=f"moderation-forget-{reportable.kind}"
        )
