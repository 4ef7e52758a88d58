"""Curators' collections and home-page features, and artists' daily stats."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .querysets import CollectionQuerySet, FeatureQuerySet


class CollectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Collection(models.Model):
    """A curator's ordered selection of artists, performances and tracks, each with a note."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="collections"
    )
    intro = models.TextField(max_length=2000, blank=True, help_text="The curator's note that opens the page.")
    cover = models.ImageField(upload_to="covers/", blank=True)
    areas = models.ManyToManyField("places.Area", blank=True, related_name="collections")
    genres = models.ManyToManyField("places.Genre", blank=True, related_name="collections")
    status = models.CharField(max_length=12, choices=CollectionStatus.choices, default=CollectionStatus.DRAFT)
    publish_from = models.DateTimeField(null=True, blank=True, help_text="Empty: as soon as it is published.")
    publish_until = models.DateTimeField(null=True, blank=True, help_text="Empty: until it is unpublished.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_from", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True)
                | Q(publish_from__isnull=True)
                | Q(publish_until__gt=models.F("publish_from")),
                name="collection_window_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collection-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.publish_from and self.publish_until and self.publish_until <= self.publish_from:
            raise ValidationError({"publish_until": "The end of the window must come after its start."})


class CollectionItem(models.Model):
    """One entry of a collection: exactly one of an artist, a performance or a track."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    artist = models.ForeignKey("accounts.ArtistProfile", null=True, blank=True, on_delete=models.CASCADE)
    performance = models.ForeignKey(
        "performances.Performance", null=True, blank=True, on_delete=models.CASCADE
    )
    track = models.ForeignKey("media.Track", null=True, blank=True, on_delete=models.CASCADE)
    note = models.CharField(max_length=280, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(artist__isnull=False, performance__isnull=True, track__isnull=True)
                    | Q(artist__isnull=True, performance__isnull=False, track__isnull=True)
                    | Q(artist__isnull=True, performance__isnull=True, track__isnull=False)
                ),
                name="collection_item_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.target}"

    @property
    def target(self) -> models.Model | None:
        return self.artist or self.performance or self.track

    def clean(self) -> None:
        if sum(x is not None for x in (self.artist_id, self.performance_id, self.track_id)) != 1:
            raise ValidationError("Choose exactly one artist, performance or track.")


class FeatureSlot(models.TextChoices):
    HERO = "hero", "Hero (top of the home page)"
    SPOTLIGHT_1 = "spotlight-1", "Spotlight 1"
    SPOTLIGHT_2 = "spotlight-2", "Spotlight 2"
    SPOTLIGHT_3 = "spotlight-3", "Spotlight 3"


class Feature(models.Model):
    """An item on the home page in one slot for a span of time; spans in one slot never overlap."""

    slot = models.CharField(max_length=20, choices=FeatureSlot.choices)
    headline = models.CharField(max_length=120, blank=True, help_text="Empty: the item's own name.")
    note = models.CharField(max_length=280, blank=True)
    artist = models.ForeignKey("accounts.ArtistProfile", null=True, blank=True, on_delete=models.CASCADE)
    performance = models.ForeignKey(
        "performances.Performance", null=True, blank=True, on_delete=models.CASCADE
    )
    track = models.ForeignKey("media.Track", null=True, blank=True, on_delete=models.CASCADE)
    collection = models.ForeignKey(Collection, null=True, blank=True, on_delete=models.CASCADE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FeatureQuerySet.as_manager()

    class Meta:
        ordering = ["slot", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="feature_span_in_order"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        artist__isnull=False,
                        performance__isnull=True,
                        track__isnull=True,
                        collection__isnull=True,
                    )
                    | Q(
                        artist__isnull=True,
                        performance__isnull=False,
                        track__isnull=True,
                        collection__isnull=True,
                    )
                    | Q(
                        artist__isnull=True,
                        performance__isnull=True,
                        track__isnull=False,
                        collection__isnull=True,
                    )
                    | Q(
                        artist__isnull=True,
                        performance__isnull=True,
                        track__isnull=True,
                        collection__isnull=False,
                    )
                ),
                name="feature_one_target",
            ),
        ]
        indexes = [models.Index(fields=["slot", "starts_at", "ends_at"], name="feature_by_slot")]

    def __str__(self) -> str:
        return f"{self.get_slot_display()}: {self.headline or self.target}"

    @property
    def target(self) -> models.Model | None:
        return self.artist or self.performance or self.track or self.collection


class ArtistDay(models.Model):
    """One artist's engagement on one day (site time), aggregated from the raw events."""

    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)
    unique_viewers = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    plays = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    tips = models.PositiveIntegerField(default=0)
    tips_amount = models.PositiveIntegerField(default=0, help_text="Minor units (cents).")
    new_followers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["artist_id", "date"]
        constraints = [models.UniqueConstraint(fields=["artist", "date"], name="artist_day_once")]

    def __str__(self) -> str:
        return f"{self.artist} on {self.date}"


class PerformanceDay(models.Model):
    """One performance's engagement on one day (site time), aggregated from the raw events."""

    performance = models.ForeignKey("performances.Performance", on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)
    unique_viewers = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    tips = models.PositiveIntegerField(default=0)
    tips_amount = models.PositiveIntegerField(default=0, help_text="Minor units (cents).")

    class Meta:
        ordering = ["performance_id", "date"]
        constraints = [models.UniqueConstraint(fields=["performance", "date"], name="performance_day_once")]

    def __str__(self) -> str:
        return f"{self.performance} on {self.date}"
