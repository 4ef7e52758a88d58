from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from apps.core.consumers import SnapshotConsumer

from . import events, services
from .models import Event, EventStatus


class EventConsumer(SnapshotConsumer):
    """`/ws/events/<id>/`: what is playing, the queue and the history of one event, live.

    Anyone may watch an event once it is open (guests, fans, the venue's display);
    a draft only its venue's staff.
    """

    async def get_groups(self) -> list[str]:
        self.event_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.refusal = await database_sync_to_async(self._refusal)()
        return [] if self.refusal else [events.event_group(self.event_id)]

    def _refusal(self) -> tuple[int, str] | None:
        event = Event.objects.select_related("venue").filter(pk=self.event_id).first()
        if event is None:
            return 4404, "No such event."
        if event.status == EventStatus.DRAFT and not services.is_staff_of(event, self.scope.get("user")):
            return 4403, "This event has not opened yet."
        return None

    async def connect(self) -> None:
        groups = await self.get_groups()
        if not groups:
            # Accept only to say why, then close: a bare refusal tells an app nothing.
            code, detail = self.refusal
            await self.accept()
            await self.send_json({"type": "error", "detail": detail})
            await self.close(code=code)
            return
        await self.accept()
        await self.start(groups)

    async def snapshot(self) -> dict[str, Any]:
        return await database_sync_to_async(events.snapshot)(self.event_id)
