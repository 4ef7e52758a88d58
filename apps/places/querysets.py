from __future__ import annotations

from django.db import models

from .geo import contains


class AreaQuerySet(models.QuerySet):
    def in_city(self, city: str) -> AreaQuerySet:
        return self.filter(city=city)

    def containing(self, lat: float, lng: float):  # -> Area | None
        return smallest_containing(self, lat, lng)


def smallest_containing(areas, lat: float, lng: float):  # noqa: ANN001, ANN201
    """The area whose boundary covers the point; the smallest wins where areas nest."""
    matches = [area for area in areas if contains(area.boundary, lat, lng)]
    return min(matches, key=lambda a: a.approximate_size, default=None)
