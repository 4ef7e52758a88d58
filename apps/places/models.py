"""Where and what kind: the city's areas and the curated genres.

Accounts (a fan's favourite genres, an artist's home area), performances, tracks, venues
and collections all point here, so these sit below all of them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from .geo import parse_boundary
from .querysets import AreaQuerySet


class Genre(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The genre's discovery page (curation's): what plays in it, who plays it.
        return reverse("genre-detail", args=[self.slug])


class Area(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    city = models.CharField(max_length=100, db_index=True)
    boundary = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, longitude first.")

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["city", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="area_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    def get_absolute_url(self) -> str:
        # The area's discovery page (curation's): what plays there, who lives there.
        return reverse("area-detail", args=[self.slug])

    def clean(self) -> None:
        try:
            parse_boundary(self.boundary)
        except ValidationError as exc:
            raise ValidationError({"boundary": exc.messages}) from exc

    @property
    def approximate_size(self) -> float:
        return parse_boundary(self.boundary).area
