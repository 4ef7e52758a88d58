"""Nearby: who plays around a point, nearest first, as ready-to-send JSON bytes.

The point is rounded to a tile of about 100 m, so neighbours share a cached answer;
distances are measured from the tile's centre. Each map cell has a version in the cache;
a change to a performance bumps the versions of the cells it touches, which retires
every cached answer that could contain it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .cells import Cell, cells_in_box
from .models import Performance, Stop
from .querysets import bounding_box

TILE_DEG = 0.001
MAX_RESULTS = 100
# With at most five stops a performance, this many stops always hold 100 performances.
MAX_STOP_ROWS = MAX_RESULTS * 5
WHEN = ("now", "today", "upcoming")


@dataclass(frozen=True)
class NearbyQuery:
    lat: float
    lng: float
    radius_m: float
    when: str = "now"
    genre: str = ""
    area: str = ""

    def rounded(self) -> NearbyQuery:
        return NearbyQuery(
            round(round(self.lat / TILE_DEG) * TILE_DEG, 6),
            round(round(self.lng / TILE_DEG) * TILE_DEG, 6),
            self.radius_m,
            self.when,
            self.genre,
            self.area,
        )

    def cells(self) -> list[Cell]:
        return cells_in_box(*bounding_box(self.lat, self.lng, self.radius_m))


def _version_key(cell: Cell) -> str:
    return f"nearby:v:{cell[0]}:{cell[1]}"


def invalidate(cells: Iterable[Cell]) -> None:
    """Retire cached answers touching these cells, once the change is committed."""
    keys = [_version_key(cell) for cell in cells]

    def bump() -> None:
        for key in keys:
            cache.add(key, 0, timeout=None)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=None)

    transaction.on_commit(bump)


def find(query: NearbyQuery, now: datetime | None = None) -> list[dict]:
    """Matching performances nearest first, each with its nearest matching stop."""
    now = now or timezone.now()
    stops = Stop.objects.happening(query.when, now).near(query.lat, query.lng, query.radius_m)
    if query.genre:
        stops = stops.in_genre(query.genre)
    if query.area:
        stops = stops.in_area(query.area)
    rows = stops.values(
        "id", "performance_id", "lat", "lng", "place_name", "starts_at", "ends_at", "area__slug", "distance_m"
    )[:MAX_STOP_ROWS]
    nearest: dict[int, dict] = {}
    for row in rows:
        if row["performance_id"] not in nearest:
            nearest[row["performance_id"]] = row
            if len(nearest) == MAX_RESULTS:
                break
    performances = {
        p["id"]: p
        for p in Performance.objects.filter(id__in=nearest).values(
            "id",
            "title",
            "status",
            "like_count",
            "position_lat",
            "position_lng",
            "genre__slug",
            "artist__slug",
            "artist__stage_name",
        )
    }
    results = []
    for performance_id, stop in nearest.items():
        p = performances[performance_id]
        live = p["status"] == "live" and p["position_lat"] is not None
        results.append(
            {
                "id": performance_id,
                "title": p["title"],
                "status": p["status"],
                "artist": {"slug": p["artist__slug"], "stage_name": p["artist__stage_name"]},
                "genre": p["genre__slug"],
                "like_count": p["like_count"],
                "position": {"lat": p["position_lat"], "lng": p["position_lng"]} if live else None,
                "distance_m": round(stop["distance_m"]),
                "stop": {
                    "id": stop["id"],
                    "lat": stop["lat"],
                    "lng": stop["lng"],
                    "place_name": stop["place_name"],
                    "area": stop["area__slug"],
                    "starts_at": stop["starts_at"],
                    "ends_at": stop["ends_at"],
                },
                "url": f"/performances/{performance_id}/",
            }
        )
    return results


def nearby_json(query: NearbyQuery) -> bytes:
    """The API's answer as JSON bytes, from the tile cache when it is fresh."""
    query = query.rounded()
    if settings.NEARBY_CACHE_SECONDS <= 0:
        return _answer(query)
    try:
        cells = query.cells()
    except ValueError:
        # Wide areas far from the equator span too many cells to version: answer afresh.
        return _answer(query)
    versions = cache.get_many([_version_key(cell) for cell in cells])
    fingerprint = orjson.dumps(
        [query.lat, query.lng, query.radius_m, query.when, query.genre, query.area, sorted(versions.items())]
    )
    key = "nearby:" + hashlib.blake2b(fingerprint, digest_size=16).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    body = _answer(query)
    cache.set(key, body, settings.NEARBY_CACHE_SECONDS)
    return body


def _answer(query: NearbyQuery) -> bytes:
    return orjson.dumps(
        {
            "query": {
                "lat": query.lat,
                "lng": query.lng,
                "radius_km": query.radius_m / 1000,
                "when": query.when,
                "genre": query.genre or None,
                "area": query.area or None,
            },
            "results": find(query),
        }
    )
