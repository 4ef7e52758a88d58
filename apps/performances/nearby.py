"""Nearby: who plays around a point, nearest first, as ready-to-send JSON bytes.

The point is rounded to a tile of about 100 m, so neighbours share a cached answer;
distances are measured from the tile's centre. Each map cell has a version in the cache;
a change to a performance bumps the versions of the cells it touches, which retires
every cached answer that could contain it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.utils import timezone

from apps.core import outage
from apps.core.api.query import structured
from apps.core.counters import decoded, raw_keys, redis_client
from apps.places.models import Area, Genre

from . import payloads
from .cells import Cell, cells_in_box, map_group
from .models import Stop
from .querysets import bounding_box

TILE_DEG = 0.001
MAX_RESULTS = 100
# With at most five stops a performance, this many stops always hold 100 performances.
MAX_STOP_ROWS = MAX_RESULTS * 5
WHEN = ("now", "today", "upcoming")
# A live performance is playing now, so today too; it is never upcoming.
LIVE_WHEN = ("now", "today")
# The circle each search starts from, widened by doubling until it holds a full hundred
# (`now` is too sparse for a smaller circle to pay): about where a busy square holds a
# hundred performances, in the bench's city of a million stops. `upcoming` reads a band of
# latitude as tall as its circle (stop_upcoming): from 175 m a fifth of its answers widen
# once, and the SQL per answer took 1.9-2.8 ms where 250 m took 2.5-3.6 (pgbench).
FIRST_RADIUS_M = {"today": 1000, "upcoming": 175}
MIN_RADIUS_KM = 0.05
# What nearby answers without a radius_km; a signed-in fan's map starts from their own
# radius instead (settings.DEFAULT_RADIUS_KM is its default).
NEARBY_RADIUS_KM = 2
PARAMETERS = ("lat", "lng", "radius_km", "when", "genre", "area")


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

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> NearbyQuery:
        """The API's query parameters, checked; a ValidationError names each bad one.

        Plain code rather than a serializer: this is the hot path, and DRF's serializer
        cost more than answering from the tile cache. The API documents the same rules
        with NearbyQuerySerializer, built from these constants.
        """
        errors = structured(params, PARAMETERS)

        def number(name: str, low: float, high: float, default: float | None = None) -> float:
            if name not in params and default is not None:
                return default
            raw = params.get(name, "")
            if raw == "":
                errors[name] = ["This parameter is required."]
                return 0.0
            try:
                value = float(raw)
            except ValueError:
                errors[name] = ["A number is required."]
                return 0.0
            if not (math.isfinite(value) and low <= value <= high):
                errors[name] = [f"Must be between {low:g} and {high:g}."]
            return value

        def slug(name: str, max_length: int) -> str:
            value = params.get(name, "")
            if len(value) > max_length:
                errors[name] = [f"Use at most {max_length} characters."]
            elif value and not slug_re.match(value):
                errors[name] = ["Use a slug: letters, numbers, hyphens and underscores."]
            return value

        lat = number("lat", -90, 90)
        lng = number("lng", -180, 180)
        radius_km = number("radius_km", MIN_RADIUS_KM, settings.MAX_RADIUS_KM, NEARBY_RADIUS_KM)
        # Left out is "now"; present but empty is a mistake.
        when = params.get("when", "now")
        if when not in WHEN:
            errors["when"] = [f"Choose one of {', '.join(WHEN)}."]
        genre, area = slug("genre", 50), slug("area", 100)
        if errors:
            raise ValidationError(errors)
        return cls(lat, lng, radius_km * 1000, when, genre, area)


def _version_key(cell: Cell) -> str:
    return f"nearby:v:{map_group(cell)}"


def version_keys(cells: Iterable[Cell]) -> list[str]:
    """The counters whose increment retires cached answers touching these cells (a change's
    live update increments them: apps.performances.events)."""
    return [_version_key(cell) for cell in cells]


def find(query: NearbyQuery, now: datetime | None = None) -> list[dict]:
    """Matching performances nearest first, each with its nearest matching stop; a live
    performer who shares a position is measured from it, with their stop under way."""
    now = now or timezone.now()
    genre_id = area_id = None
    if query.genre:
        genre_id = Genre.objects.filter(slug=query.genre).values_list("id", flat=True).first()
        if genre_id is None:
            return []
    if query.area:
        area_id = Area.objects.filter(slug=query.area).values_list("id", flat=True).first()
        if area_id is None:
            return []
    # A wide search reads many rows (`upcoming` all of the future): search a smaller circle
    # first and widen it until it holds enough performances. Every performance outside a
    # circle is farther away than a full hundred inside it.
    radii = []
    radius_m = FIRST_RADIUS_M.get(query.when, query.radius_m)
    while radius_m < query.radius_m:
        radii.append(radius_m)
        radius_m *= 2
    radii.append(query.radius_m)
    for radius_m in radii:
        rows = Stop.objects.nearest(
            query.lat,
            query.lng,
            radius_m,
            query.when,
            now,
            genre_id=genre_id,
            area_id=area_id,
            limit=MAX_RESULTS,
            candidates=MAX_STOP_ROWS,
        )
        if len(rows) == MAX_RESULTS:
            break
    if query.when in LIVE_WHEN:
        live = Stop.objects.live_near(
            query.lat, query.lng, query.radius_m, now, genre_id=genre_id, area_id=area_id
        )
        if live:
            rows = _merge(rows, live)
    url = payloads.page_urls()
    return [_result(row, url) for row in rows]


def _merge(rows: list[dict], live: list[dict]) -> list[dict]:
    """Both searches' rows nearest first, as the statement orders them. A performance that
    went live between the two reads would be in both: keep its nearer row."""
    merged, seen = [], set()
    for row in sorted([*rows, *live], key=lambda row: (row["distance_m"], row["performance_id"])):
        if row["performance_id"] not in seen:
            seen.add(row["performance_id"])
            merged.append(row)
    return merged[:MAX_RESULTS]


def _result(row: dict, url: Callable[[int], str]) -> dict:
    return {
        **payloads.row_fields(row, url(row["performance_id"])),
        "distance_m": round(row["distance_m"]),
        "stop": {
            "id": row["stop_id"],
            **payloads.stop_fields(
                row["lat"], row["lng"], row["place_name"], row["starts_at"], row["ends_at"]
            ),
            "area": row["area"],
        },
    }


def nearby_json(query: NearbyQuery) -> bytes:
    """The API's answer as JSON bytes, from the tile cache when it is fresh."""
    return nearby_answer(query)[0]


@dataclass(frozen=True)
class Tile:
    """Where a rounded query's answer is cached, and the counters that retire it."""

    query: NearbyQuery
    key: str
    version_keys: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The cache names one read fetches: the answer's, then its cells' versions."""
        return (self.key, *self.version_keys)


def tile_of(query: NearbyQuery) -> Tile | None:
    """The tile cache's place for this query's answer; None when answers are not cached
    (the cache is off, or the area spans too many cells to version)."""
    if settings.NEARBY_CACHE_SECONDS <= 0:
        return None
    return _tile(query.rounded())


# Busy tiles are asked about again and again: their cells and keys are worked out once.
@lru_cache(maxsize=4096)
def _tile(query: NearbyQuery) -> Tile | None:
    try:
        cells = query.cells()
    except ValueError:
        # Wide areas far from the equator span too many cells to version: answer afresh.
        return None
    fingerprint = orjson.dumps([query.lat, query.lng, query.radius_m, query.when, query.genre, query.area])
    key = "nearby:" + hashlib.blake2b(fingerprint, digest_size=16).hexdigest()
    return Tile(query, key, tuple(version_keys(cells)))


def nearby_answer(query: NearbyQuery, found: Sequence[Any] | None = None) -> tuple[bytes, str]:
    """The API's answer as JSON bytes with its ETag, from the tile cache when it is fresh.

    The cached answer keeps the versions of the cells it was computed at, and its ETag
    (hashed once, when it is computed); one read fetches it with the cells' current
    versions, and any change since then means recompute. `found` is that read when the
    caller made it already (the values at the tile's names, None for a missing one).
    """
    tile = tile_of(query)
    if tile is None:
        return _tagged(_answer(query.rounded()))
    if found is None:
        found = _read(tile.names)
    # Counters are stored as plain numbers (apps.core.counters).
    cached, versions = found[0], [0 if value is None else int(value) for value in found[1:]]
    # An entry without an ETag was cached before answers kept one: computed again.
    if cached is not None and len(cached) == 3 and cached[0] == versions:
        return cached[1], cached[2]
    body, etag = _tagged(_answer(tile.query))
    cache.set(tile.key, (versions, body, etag), settings.NEARBY_CACHE_SECONDS)
    return body, etag


def _tagged(body: bytes) -> tuple[bytes, str]:
    return body, f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def _read(names: Sequence[str]) -> list[Any]:
    """The cache's values at `names`, None for a missing one, in one read.

    On Redis, one MGET of keys made as the cache makes them: the cache's get_many spent
    more on making and checking 30-odd keys than on the read. While Redis is away, misses,
    as the cache answers then (apps.core.cache).
    """
    redis = redis_client()
    if redis is None:
        found = cache.get_many(names)
        return [found.get(name) for name in names]
    try:
        values = redis.mget(raw_keys(names))
    except outage.REDIS_ERRORS:
        if outage.redis_required():
            raise
        return [None] * len(names)
    return decoded(values)


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
