from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps.core.consumers import SnapshotConsumer
from apps.core.counters import increment
from apps.core.realtime import current_seq, current_seqs, send_now

from .cells import cells_in_box, map_group
from .events import map_item, performance_group
from .models import Performance, Stop
from .querysets import bounding_box

MAX_SNAPSHOT = 200


def parse_area(params: dict[str, Any]) -> tuple[float, float, float, float]:
    """A map view from `lat, lng, radius_km` or `south, west, north, east`; ValueError says why."""
    try:
        if "south" in params:
            south, west, north, east = (float(params[k]) for k in ("south", "west", "north", "east"))
        else:
            lat, lng = float(params["lat"]), float(params["lng"])
            radius_km = float(params.get("radius_km", 2))
            if not 0 < radius_km <= settings.MAX_RADIUS_KM:
                raise ValueError(f"radius_km must be more than 0 and at most {settings.MAX_RADIUS_KM}")
            south, north, west, east = bounding_box(lat, lng, radius_km * 1000)
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]} is required (or give south, west, north and east)") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc) if "radius_km" in str(exc) else "coordinates must be numbers") from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise ValueError("the area must lie within -90..90 latitude and -180..180 longitude")
    return south, north, west, east


class MapConsumer(SnapshotConsumer):
    """`/ws/map/?lat=&lng=&radius_km=`: performances starting, moving, ending and being liked
    inside the watched area. Send `{"type": "subscribe", ...}` with new coordinates to pan."""

    async def get_groups(self) -> list[str]:
        params = {k: v[0] for k, v in parse_qs(self.scope.get("query_string", b"").decode()).items()}
        try:
            self.box = parse_area(params)
            return [map_group(cell) for cell in cells_in_box(*self.box)]
        except ValueError as exc:
            self.refusal = str(exc)
            return []

    async def connect(self) -> None:
        groups = await self.get_groups()
        # Accepted either way: a refusal says why before closing, as a bare one tells an app nothing.
        await self.accept()
        if not groups:
            await self.send_json({"type": "error", "detail": self.refusal})
            await self.close(code=4400)
            return
        await self.start(groups)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            data = orjson.loads(text_data or bytes_data or b"")
        except orjson.JSONDecodeError:
            data = None
        if isinstance(data, dict) and data.get("type") == "subscribe":
            try:
                self.box = parse_area(data)
                groups = [map_group(cell) for cell in cells_in_box(*self.box)]
            except ValueError as exc:
                await self.send_json({"type": "error", "detail": str(exc)})
                return
            # Held meanwhile, so the new area's snapshot comes before its updates.
            self.local.hold()
            try:
                await self.watch(groups)
                await self.send_snapshot()
            finally:
                self.local.release()
            return
        await super().receive(text_data, bytes_data)

    async def recheck(self) -> None:
        """Anyone may watch any part of the map: nothing to check again."""

    async def snapshot(self) -> dict[str, Any]:
        return await database_sync_to_async(self._snapshot)()

    def _snapshot(self) -> dict[str, Any]:
        seqs = current_seqs(self.joined)
        south, north, west, east = self.box
        now = timezone.now()
        stops = Stop.objects.in_box(south, north, west, east).happening("today", now)
        ids = set(stops.values_list("performance_id", flat=True)[:1000])
        positioned = {
            "position_lat__gte": south,
            "position_lat__lte": north,
            "position_lng__gte": west,
            "position_lng__lte": east,
        }
        ids |= set(Performance.objects.live().filter(**positioned).values_list("id", flat=True))
        performances = Performance.objects.public().with_related().filter(id__in=sorted(ids)[:MAX_SNAPSHOT])
        return {
            "seqs": seqs,
            "area": {"south": south, "west": west, "north": north, "east": east},
            "performances": [map_item(p) for p in performances],
        }


def _viewers_key(performance_id: int) -> str:
    return f"performance:viewers:{performance_id}"


def change_viewers(performance_id: int, delta: int) -> int:
    key = _viewers_key(performance_id)
    count = increment(key, delta)
    if count < 0:
        # A process that died without saying goodbye can leave the count off; never below zero.
        cache.set(key, 0, timeout=None)
        count = 0
    return count


def viewers(performance_id: int) -> int:
    return max(int(cache.get(_viewers_key(performance_id)) or 0), 0)


class PerformanceConsumer(SnapshotConsumer):
    """`/ws/performances/<id>/`: viewer count, likes and position of one performance."""

    refusal_code = 4404

    async def get_groups(self) -> list[str]:
        self.performance_id = int(self.scope["url_route"]["kwargs"]["pk"])
        visible = await database_sync_to_async(self._visible)()
        return [performance_group(self.performance_id)] if visible else []

    def _visible(self) -> bool:
        # Building visible_to already queries (whether the user curates), so the whole
        # check runs on the database thread, not just the final exists().
        user = self.scope.get("user")
        return Performance.objects.visible_to(user).filter(pk=self.performance_id).exists()

    async def started(self) -> None:
        # Counted before the snapshot, so a newcomer sees themselves among the viewers.
        await database_sync_to_async(self._announce)(+1)
        self.announced = True

    async def disconnect(self, code: int) -> None:
        if getattr(self, "announced", False):
            self.announced = False
            await database_sync_to_async(self._announce)(-1)
        await super().disconnect(code)

    def _announce(self, delta: int) -> None:
        count = change_viewers(self.performance_id, delta)
        send_now(performance_group(self.performance_id), "performance.viewers", {"viewers": count})

    async def snapshot(self) -> dict[str, Any]:
        return await database_sync_to_async(self._snapshot)()

    def _snapshot(self) -> dict[str, Any]:
        group = performance_group(self.performance_id)
        seq = current_seq(group)
        performance = Performance.objects.with_related().get(pk=self.performance_id)
        return {"seq": seq, "performance": map_item(performance), "viewers": viewers(self.performance_id)}
