"""Live updates for the map (`map.<i>.<j>` cells) and for one performance (`performance.<id>`).

Types: performance.started, performance.moved, performance.ended, performance.updated,
performance.liked and performance.removed. All are sent after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from apps.core.realtime import broadcast

from . import nearby
from .cells import Cell, cells_of_points, map_group
from .models import Performance


def performance_group(performance_id: int) -> str:
    return f"performance.{performance_id}"


def cells_of(performance: Performance) -> set[Cell]:
    points = list(performance.stops.values_list("lat", "lng"))
    points.append((performance.position_lat, performance.position_lng))
    return cells_of_points(points)


def map_item(performance: Performance) -> dict[str, Any]:
    """What a map or list shows of a performance, as plain JSON types."""
    artist = performance.artist
    position = (
        {"lat": performance.position_lat, "lng": performance.position_lng}
        if performance.is_live and performance.position_lat is not None
        else None
    )
    return {
        "id": performance.pk,
        "title": performance.title,
        "status": performance.status,
        "artist": {"slug": artist.slug, "stage_name": artist.stage_name},
        "genre": performance.genre.slug if performance.genre_id else None,
        "position": position,
        "like_count": performance.like_count,
        "url": performance.get_absolute_url(),
        "stops": [
            {
                "lat": stop.lat,
                "lng": stop.lng,
                "place_name": stop.place_name,
                "starts_at": stop.starts_at.isoformat(),
                "ends_at": stop.ends_at.isoformat(),
            }
            # all(): the prefetched stops when there are (a map snapshot lists many).
            for stop in sorted(performance.stops.all(), key=lambda stop: stop.order)
        ],
    }


def is_hidden(performance: Performance) -> bool:
    return performance.hidden or performance.artist.hidden


def _send(event_type: str, performance_id: int, cells: Iterable[Cell], payload: dict[str, Any]) -> None:
    cells = set(cells)
    nearby.invalidate(cells)
    groups = [map_group(cell) for cell in sorted(cells)]
    broadcast([*groups, performance_group(performance_id)], event_type, payload)


def _send_to_watchers(
    event_type: str, performance: Performance, cells: Iterable[Cell], payload: dict[str, Any]
) -> None:
    # A hidden performance stays off the map: only its own page (its artist, curators) hears.
    if is_hidden(performance):
        broadcast([performance_group(performance.pk)], event_type, payload)
    else:
        _send(event_type, performance.pk, cells, payload)


def performance_changed(performance: Performance, event_type: str, extra_cells: Iterable[Cell] = ()) -> None:
    """Started, moved, ended or updated: sent to every cell it was or is in."""
    cells = cells_of(performance) | set(extra_cells)
    _send_to_watchers(event_type, performance, cells, {"performance": map_item(performance)})


def performance_removed(performance_id: int, cells: Iterable[Cell]) -> None:
    """``performance.removed``: a scheduled plan deleted by its artist, or hidden by a curator."""
    _send("performance.removed", performance_id, cells, {"performance": {"id": performance_id}})


def performance_liked(performance: Performance) -> None:
    """``performance.liked``: the new like count."""
    payload = {"performance": {"id": performance.pk, "like_count": performance.like_count}}
    _send_to_watchers("performance.liked", performance, cells_of(performance), payload)


def notify_followers_live(performance: Performance) -> None:
    from .tasks import notify_followers_live as task

    transaction.on_commit(lambda: task.delay(performance.pk))
