"""A performance as JSON: the fields that the live map, nearby and the API have in common.

The live map builds them from a Performance, nearby from its raw rows (no model on the
hot path); both go through the same functions here, and the API's serializer formats the
same fields the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.urls import reverse

from .models import Performance, PerformanceStatus

# No performance has this id: it marks where an id goes in the page's reversed address.
_ID_MARK = 9_876_543_210


def timestamp(value: datetime) -> str:
    """A time as every payload carries it: ISO 8601 in UTC, as orjson writes a UTC datetime."""
    return value.astimezone(UTC).isoformat()


def position(status: str, lat: float | None, lng: float | None) -> dict[str, float] | None:
    """Where the performer is: only while live, and once the artist shared a position."""
    if status != PerformanceStatus.LIVE or lat is None:
        return None
    return {"lat": lat, "lng": lng}


def page_urls() -> Callable[[int], str]:
    """Performance page addresses by id, reversing the URL once for a whole list (a reverse()
    a row cost more than the rest of building a nearby answer)."""
    pattern = reverse("performance-detail", kwargs={"pk": _ID_MARK}).replace(str(_ID_MARK), "{}")
    return pattern.format


def _fields(
    pk: int,
    title: str,
    status: str,
    artist_slug: str,
    stage_name: str,
    genre: str | None,
    like_count: int,
    lat: float | None,
    lng: float | None,
    url: str,
) -> dict[str, Any]:
    return {
        "id": pk,
        "title": title,
        "status": status,
        "artist": {"slug": artist_slug, "stage_name": stage_name},
        "genre": genre,
        "position": position(status, lat, lng),
        "like_count": like_count,
        "url": url,
    }


def performance_fields(performance: Performance) -> dict[str, Any]:
    """The shared fields of a Performance loaded with its artist and genre."""
    artist = performance.artist
    return _fields(
        performance.pk,
        performance.title,
        performance.status,
        artist.slug,
        artist.stage_name,
        performance.genre.slug if performance.genre_id else None,
        performance.like_count,
        performance.position_lat,
        performance.position_lng,
        performance.get_absolute_url(),
    )


def row_fields(row: Mapping[str, Any], url: str) -> dict[str, Any]:
    """The shared fields of one of nearby's rows (see StopQuerySet.nearest)."""
    return _fields(
        row["performance_id"],
        row["title"],
        row["status"],
        row["artist_slug"],
        row["artist_stage_name"],
        row["genre"],
        row["like_count"],
        row["position_lat"],
        row["position_lng"],
        url,
    )


def stop_fields(lat: float, lng: float, place_name: str, starts_at: Any, ends_at: Any) -> dict[str, Any]:
    """A stop's shared fields; the times as given (datetimes for orjson, or timestamp())."""
    return {"lat": lat, "lng": lng, "place_name": place_name, "starts_at": starts_at, "ends_at": ends_at}
