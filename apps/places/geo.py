"""Area boundaries as GeoJSON, checked and queried with shapely."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def haversine(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(a, 1.0)))


def parse_boundary(data: Any) -> BaseGeometry:
    """A valid Polygon or MultiPolygon in lng/lat order, or a ValidationError saying why."""
    if not isinstance(data, dict) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError("The boundary must be a GeoJSON Polygon or MultiPolygon.")
    try:
        geometry = shape(data)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ValidationError(f"The boundary is not readable GeoJSON: {exc}") from exc
    if geometry.is_empty or not geometry.is_valid:
        raise ValidationError(f"The boundary is not a valid shape: {explain_validity(geometry)}.")
    min_lng, min_lat, max_lng, max_lat = geometry.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError("The boundary's coordinates must be longitude, latitude in range.")
    return geometry


@lru_cache(maxsize=512)
def _geometry(boundary_json: bytes) -> BaseGeometry:
    return shape(orjson.loads(boundary_json))


def contains(boundary: dict, lat: float, lng: float) -> bool:
    # GeoJSON is lng/lat; the cache key is the canonical bytes of the boundary.
    geometry = _geometry(orjson.dumps(boundary, option=orjson.OPT_SORT_KEYS))
    return geometry.covers(Point(lng, lat))
