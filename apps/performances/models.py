from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from apps.places.models import Area, Genre

from .querysets import ACTIVE, PerformanceQuerySet, StopQuerySet, grid_lat, grid_lng


class PerformanceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live now"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Performance(models.Model):
    artist = models.ForeignKey(
        "accounts.ArtistProfile", on_delete=models.CASCADE, related_name="performances"
    )
    title = models.CharField(max_length=100, validators=[MinLengthValidator(1)])
    description = models.TextField(max_length=500, blank=True)
    genre = models.ForeignKey(
        Genre, null=True, blank=True, on_delete=models.SET_NULL, related_name="performances"
    )
    status = models.CharField(
        max_length=10, choices=PerformanceStatus.choices, default=PerformanceStatus.SCHEDULED, db_index=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Where the performer is right now, while live.
    position_lat = models.FloatField(null=True, blank=True)
    position_lng = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    # When and why live in the moderation log (moderation.ModerationAction).
    hidden = models.BooleanField(
        default=False, help_text="Hidden by a curator: shown only to them and the artist."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PerformanceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Nearby leaves hidden performances out by this tiny index (see querysets._nearest_sql).
            models.Index(fields=["id"], condition=Q(hidden=True), name="performance_hidden"),
            # Live performers sharing their position, few at any time: nearby finds them here
            # (querysets._nearest_sql and live_near) instead of reading every live performance.
            models.Index(
                fields=["position_lat", "position_lng", "id"],
                condition=Q(status="live", position_lat__isnull=False),
                name="performance_shared_position",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["artist"], condition=Q(status="live"), name="one_live_performance_per_artist"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("performance-detail", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status == PerformanceStatus.LIVE

    @property
    def is_finished(self) -> bool:
        return self.status in {PerformanceStatus.COMPLETED, PerformanceStatus.CANCELLED}


def nearby_index(name: str, condition: Q) -> models.Index:
    return models.Index(
        grid_lat(),
        grid_lng(),
        "starts_at",
        "ends_at",
        "lat",
        "lng",
        "performance_id",
        "id",
        name=name,
        condition=condition,
        # What an answer shows of its stops, so nearby reads nothing of them but the index.
        include=["place_name", "area"],
    )


class Stop(models.Model):
    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField()
    lat = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    place_name = models.CharField(max_length=200, help_text="An address or the name of the place.")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="stops")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # A copy of the performance's status, kept by the services: nearby filters on it
    # without joining every performance.
    performance_status = models.CharField(
        max_length=10, choices=PerformanceStatus.choices, default=PerformanceStatus.SCHEDULED, editable=False
    )

    objects = StopQuerySet.as_manager()

    class Meta:
        ordering = ["performance", "order"]
        indexes = [
            # Nearby reads one grid square and one slice of start times per probe, and finds
            # everything it returns inside the index (no table reads on PostgreSQL). Only
            # scheduled and live stops are kept, so history does not grow it.
            nearby_index("stop_nearby", Q(performance_status__in=ACTIVE)),
            # Live performances also match by stops still to come, at any start time.
            nearby_index("stop_nearby_live", Q(performance_status=PerformanceStatus.LIVE)),
            # `upcoming` reads every start time still to come: its stops are found by latitude
            # within a square instead, so a small circle reads a band of each square.
            models.Index(
                grid_lat(),
                grid_lng(),
                "lat",
                "lng",
                "starts_at",
                "performance_id",
                "id",
                name="stop_upcoming",
                condition=Q(performance_status=PerformanceStatus.SCHEDULED),
                include=["ends_at", "place_name", "area"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["performance", "order"], name="stop_order_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="stop_ends_after_start"),
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90), name="stop_lat_range"),
            models.CheckConstraint(condition=Q(lng__gte=-180, lng__lte=180), name="stop_lng_range"),
        ]

    def __str__(self) -> str:
        return f"{self.place_name} ({self.starts_at:%H:%M}–{self.ends_at:%H:%M})"


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "performance"], name="like_once")]
        # Trending and daily stats read recent likes by time.
        indexes = [models.Index(fields=["created_at"], name="like_by_time")]

    def __str__(self) -> str:
        return f"{self.user} likes {self.performance}"


class View(models.Model):
    """One visitor's view of a performance within one hour; counted once."""

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visitor = models.CharField(max_length=64, help_text="A user id or a hashed anonymous session.")
    hour = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["performance", "visitor", "hour"], name="view_once_per_hour")
        ]
        # Trending and daily stats read recent views by time.
        indexes = [models.Index(fields=["created_at"], name="view_by_time")]

    def __str__(self) -> str:
        return f"{self.visitor} viewed {self.performance_id} at {self.hour:%Y-%m-%d %H}h"
