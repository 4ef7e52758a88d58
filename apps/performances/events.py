"""Live updates for the map (`map.<i>.<j>` cells) and for one performance (`performance.<id>`).

Types: performance.started, performance.moved, performance.ended, performance.updated,
performance.liked and performance.removed. All are sent after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from apps.core import background
from apps.core.realtime import ask_to_recheck, broadcast

from . import nearby, payloads
from .cells import Cell, cells_of_points, map_group
from .models import Performance, Stop


def performance_group(performance_id: int) -> str:
    return f"performance.{performance_id}"


def _route(performance: Performance, stops: Sequence[Stop] | None) -> Iterable[Stop]:
    # The stops a caller read already (a position update reads them once), else all(): the
    # prefetched ones when there are.
    return stops if stops is not None else performance.stops.all()


def cells_of(performance: Performance, stops: Sequence[Stop] | None = None) -> set[Cell]:
    points = [(stop.lat, stop.lng) for stop in _route(performance, stops)]
    points.append((performance.position_lat, performance.position_lng))
    return cells_of_points(points)


def map_item(performance: Performance, stops: Sequence[Stop] | None = None) -> dict[str, Any]:
    """What a map or list shows of a performance, as plain JSON types."""
    stops = [
        payloads.stop_fields(
            stop.lat,
            stop.lng,
            stop.place_name,
            payloads.timestamp(stop.starts_at),
            payloads.timestamp(stop.ends_at),
        )
        for stop in sorted(_route(performance, stops), key=lambda stop: stop.order)
    ]
    return {**payloads.performance_fields(performance), "stops": stops}


def is_hidden(performance: Performance) -> bool:
    return performance.hidden or performance.artist.hidden


def _send(event_type: str, performance_id: int, cells: Iterable[Cell], payload: dict[str, Any]) -> None:
    cells = set(cells)
    groups = [map_group(cell) for cell in sorted(cells)]
    # The versions of the nearby answers touching these cells go up with the update's numbers.
    broadcast(
        [*groups, performance_group(performance_id)],
        event_type,
        payload,
        also_increment=nearby.version_keys(cells),
    )


def _send_to_watchers(
    event_type: str, performance: Performance, cells: Iterable[Cell], payload: dict[str, Any]
) -> None:
    # A hidden performance stays off the map: only its own page (its artist, curators) hears.
    if is_hidden(performance):
        broadcast([performance_group(performance.pk)], event_type, payload)
    else:
        _send(event_type, performance.pk, cells, payload)


def performance_changed(
    performance: Performance,
    event_type: str,
    extra_cells: Iterable[Cell] = (),
    stops: Sequence[Stop] | None = None,
) -> None:
    """Started, moved, ended or updated: sent to every cell it was or is in."""
    cells = cells_of(performance, stops) | set(extra_cells)
    _send_to_watchers(event_type, performance, cells, {"performance": map_item(performance, stops)})


def performance_removed(performance_id: int, cells: Iterable[Cell]) -> None:
    """``performance.removed``: a scheduled plan deleted by its artist, or hidden by a curator."""
    _send("performance.removed", performance_id, cells, {"performance": {"id": performance_id}})


def performances_hidden(performance_ids: Iterable[int]) -> None:
    """Sockets open on these performances' pages check again who may watch: a fan's closes."""
    ask_to_recheck([performance_group(pk) for pk in performance_ids])


def performance_liked(performance: Performance) -> None:
    """``performance.liked``: the new like count."""
    payload = {"performance": {"id": performance.pk, "like_count": performance.like_count}}
    _send_to_watchers("performance.liked", performance, cells_of(performance), payload)


def notify_followers_live(performance: Performance) -> None:
    from .tasks import notify_followers_live as task

    transaction.on_commit(lambda: background.start(task, performance.pk))
