from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import connection, models
from django.db.models import F, Min, Q, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone

from .geo import EARTH_RADIUS_M, METRES_PER_DEGREE, contains


class AreaQuerySet(models.QuerySet):
    def in_city(self, city: str) -> AreaQuerySet:
        return self.filter(city=city)

    def containing(self, lat: float, lng: float):  # -> Area | None
        return smallest_containing(self, lat, lng)


def smallest_containing(areas, lat: float, lng: float):  # noqa: ANN001, ANN201
    """The area whose boundary covers the point; the smallest wins where areas nest."""
    matches = [area for area in areas if contains(area.boundary, lat, lng)]
    return min(matches, key=lambda a: a.approximate_size, default=None)


ACTIVE = ("scheduled", "live")


def haversine_m(lat: float, lng: float, lat_field: str = "lat", lng_field: str = "lng"):
    """Great-circle distance in metres from a point, as a database expression (SQLite and PostgreSQL)."""
    dlat = Radians(F(lat_field) - Value(lat)) / 2
    dlng = Radians(F(lng_field) - Value(lng)) / 2
    a = Power(Sin(dlat), 2) + Cos(Radians(Value(lat))) * Cos(Radians(F(lat_field))) * Power(Sin(dlng), 2)
    # Rounding can push `a` a hair past 1 for antipodal points; ASIN would then fail.
    return Value(2 * EARTH_RADIUS_M) * ASin(Sqrt(Least(a, Value(1.0))))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = radius_m / METRES_PER_DEGREE
    # Near the poles a degree of longitude shrinks to nothing; cap the widening.
    dlng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


class StopQuerySet(models.QuerySet):
    def near(self, lat: float, lng: float, radius_m: float) -> StopQuerySet:
        """Stops within radius_m of the point, nearest first, with `distance_m`.

        The bounding box uses the (lat, lng) index; the exact distance then trims its corners.
        """
        south, north, west, east = bounding_box(lat, lng, radius_m)
        return (
            self.filter(lat__gte=south, lat__lte=north, lng__gte=west, lng__lte=east)
            .annotate(distance_m=haversine_m(lat, lng))
            .filter(distance_m__lte=radius_m)
            .order_by("distance_m", "performance_id", "order")
        )

    def happening(self, when: str, now: datetime) -> StopQuerySet:
        """`now`: playing at this moment (or any stop not yet over, for a live performance);
        `today`: not over and starting before midnight; `upcoming`: not started yet."""
        active = self.filter(performance_status__in=ACTIVE)
        if when == "now":
            return active.filter(
                Q(starts_at__lte=now, ends_at__gt=now) | Q(performance_status="live", ends_at__gt=now)
            )
        if when == "today":
            return active.filter(ends_at__gt=now, starts_at__lt=end_of_today(now))
        if when == "upcoming":
            return active.filter(starts_at__gt=now)
        raise ValueError(f"unknown time filter {when!r}")

    def in_genre(self, slug: str) -> StopQuerySet:
        return self.filter(performance__genre__slug=slug)

    def in_area(self, slug: str) -> StopQuerySet:
        return self.filter(area__slug=slug)


class PerformanceQuerySet(models.QuerySet):
    def live(self) -> PerformanceQuerySet:
        return self.filter(status="live")

    def active(self) -> PerformanceQuerySet:
        return self.filter(status__in=ACTIVE)

    def of_artist(self, artist) -> PerformanceQuerySet:  # noqa: ANN001
        return self.filter(artist=artist)

    def next_first(self, now: datetime) -> PerformanceQuerySet:
        """Those with a stop still to come, soonest first."""
        return (
            self.annotate(next_start=Min("stops__starts_at", filter=Q(stops__ends_at__gt=now)))
            .filter(next_start__isnull=False)
            .order_by("next_start", "id")
        )

    def with_related(self) -> PerformanceQuerySet:
        return self.select_related("artist", "genre").prefetch_related("stops__area")

    def search(self, text: str) -> PerformanceQuerySet:
        """Titles, descriptions and artist names: ranked full text on PostgreSQL, a plain
        case-insensitive match elsewhere."""
        text = text.strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = (
                SearchVector("title", weight="A", config="simple")
                + SearchVector("artist__stage_name", weight="A", config="simple")
                + SearchVector("description", weight="B", config="simple")
            )
            query = SearchQuery(text, search_type="websearch", config="simple")
            return self.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0).order_by("-rank", "-id")
        return self.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(artist__stage_name__icontains=text)
        )
