from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from apps.core.consumers import SnapshotConsumer
from apps.core.realtime import current_seq

from .events import serialize_notification, unread_count, user_group
from .models import Notification


class NotificationsConsumer(SnapshotConsumer):
    """``/ws/me/``: the signed-in user's own notifications, and nobody else's."""

    async def get_groups(self) -> list[str]:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return []
        return [user_group(user.id)]

    async def snapshot(self) -> dict[str, Any]:
        return await database_sync_to_async(self._snapshot)()

    def _snapshot(self) -> dict[str, Any]:
        user = self.scope["user"]
        # Read seq first: anything newer arrives as a delta with a higher seq.
        seq = current_seq(user_group(user.id))
        latest = Notification.objects.for_user(user)[:20]
        return {
            "seq": seq,
            "unread_count": unread_count(user),
            "notifications": [serialize_notification(n) for n in latest],
        }
