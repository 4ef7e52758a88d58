"""Live updates for one user's pages and apps, on the group ``user.<id>``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from apps.core.realtime import broadcast

from .models import Notification, User


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def serialize_notification(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "data": notification.data,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


def unread_count(user: User | int) -> int:
    user_id = user if isinstance(user, int) else user.id
    return Notification.objects.filter(recipient_id=user_id).aggregate(
        n=Count("id", filter=Q(read_at__isnull=True))
    )["n"]


def notification_created(notification: Notification) -> None:
    """``notification.created``: a new notification, with the new unread count."""
    payload = {
        "notification": serialize_notification(notification),
        "unread_count": unread_count(notification.recipient_id),
    }
    broadcast(user_group(notification.recipient_id), "notification.created", payload)


def notifications_read(user: User) -> None:
    """``notifications.read``: the unread count changed on another page or device."""
    broadcast(user_group(user.id), "notifications.read", {"unread_count": unread_count(user)})
