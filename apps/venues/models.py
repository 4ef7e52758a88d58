from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .querysets import EventQuerySet, QueueEntryQuerySet, VenueQuerySet


class Venue(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    address = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="venues"
    )
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="venues_staffed")

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Event(models.Model):
    """A jukebox night at a venue: guests vote, the top of the queue plays next."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Staff open a night by hand; one set to open by itself opens at its start (a minute's
    # sweep, apps.venues.services.open_and_close_due_events). Every night closes at its end.
    opens_automatically = models.BooleanField(
        default=False, help_text="Open for votes at its start time without anyone pressing Activate."
    )
    vote_cooldown_seconds = models.PositiveIntegerField(
        default=20, validators=[MaxValueValidator(3600)], help_text="Seconds a guest waits between votes."
    )
    votes_per_guest_per_hour = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    veto_window_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MaxValueValidator(24 * 60)],
        help_text="How long a vetoed track cannot return.",
    )
    # The pool: tracks of these genres, areas or artists, plus the hand-picked ones.
    pool_genres = models.ManyToManyField("places.Genre", blank=True, related_name="+")
    pool_areas = models.ManyToManyField("places.Area", blank=True, related_name="+")
    pool_artists = models.ManyToManyField("accounts.ArtistProfile", blank=True, related_name="+")
    pool_tracks = models.ManyToManyField("media.Track", blank=True, related_name="+")
    # A secret per event: the display's QR codes are signed with it, and rotating it
    # (a new one) cuts every QR code handed out so far.
    qr_secret = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            # A venue runs one event at a time.
            models.UniqueConstraint(
                fields=["venue"], condition=Q(status="active"), name="event_one_active_per_venue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.venue}"

    def get_absolute_url(self) -> str:
        return reverse("event-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status == EventStatus.ACTIVE


class Guest(models.Model):
    """Someone voting at one event: a signed-in fan, or a visitor who opened the QR code."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="guest_one_per_fan"
            )
        ]

    def __str__(self) -> str:
        return f"Guest {self.pk} of {self.event_id}"


class EntryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PLAYING = "playing", "Playing"
    PLAYED = "played", "Played"
    SKIPPED = "skipped", "Skipped"
    VETOED = "vetoed", "Vetoed"
    REMOVED = "removed", "Removed"


class QueueEntry(models.Model):
    """A track requested at an event, with its votes, from the queue to the play history."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey("media.Track", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.QUEUED)
    votes = models.PositiveIntegerField(default=0)
    # When the entry reached its current count: among equal counts, first there plays first.
    reached_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        Guest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    vetoed_until = models.DateTimeField(null=True, blank=True)

    objects = QueueEntryQuerySet.as_manager()

    class Meta:
        constraints = [
            # A track is in an event's queue (or playing) once; votes go to that entry.
            models.UniqueConstraint(
                fields=["event", "track"],
                condition=Q(status__in=["queued", "playing"]),
                name="entry_once_in_queue",
            ),
            models.UniqueConstraint(
                fields=["event"], condition=Q(status="playing"), name="entry_one_playing"
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "-votes", "reached_at", "id"],
                condition=Q(status="queued"),
                name="entry_queue_order",
            )
        ]
        verbose_name_plural = "queue entries"

    def __str__(self) -> str:
        return f"{self.track} ({self.votes})"


class Vote(models.Model):
    entry = models.ForeignKey(QueueEntry, on_delete=models.CASCADE, related_name="vote_rows")
    guest = models.ForeignKey(Guest, on_delete=models.CASCADE, related_name="votes")
    # Denormalised for the rate limits and for artists' engagement (tips' payouts).
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey("media.Track", on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "guest"], name="vote_once_per_entry")]
        indexes = [
            models.Index(fields=["guest", "-created_at"], name="vote_by_guest"),
            # Trending and daily stats read recent votes by time.
            models.Index(fields=["created_at"], name="vote_by_time"),
        ]

    def __str__(self) -> str:
        return f"Vote for {self.track_id} by guest {self.guest_id}"
