from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .choices import MediaKind, MediaStatus
from .querysets import CurrentStoryManager, MediaItemQuerySet, PlayQuerySet

__all__ = ["Clip", "MediaItem", "MediaKind", "MediaStatus", "Play", "Story", "Track"]


def item_file_path(instance: MediaItem, filename: str) -> str:
    # Every file of one item sits in a folder named by its public id, so a file's URL
    # leads back to the item that decides whether it may be served.
    return f"{instance.FOLDER}/{instance.public_id}/{filename}"


class MediaItem(models.Model):
    """What clips, stories and tracks share: an uploaded file, checked and then processed."""

    FOLDER = ""
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=MediaKind.choices)
    status = models.CharField(max_length=12, choices=MediaStatus.choices, default=MediaStatus.PROCESSING)
    failure_reason = models.CharField(max_length=300, blank=True)
    hidden = models.BooleanField(default=False, help_text="Hidden by a curator: never served.")
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # The upload as stored (server-named; images already stripped of metadata).
    source = models.FileField(upload_to=item_file_path, max_length=300)
    # What players load: the source itself when browsers play it as it is.
    web_file = models.FileField(upload_to=item_file_path, max_length=300, blank=True)
    poster = models.ImageField(upload_to=item_file_path, max_length=300, blank=True)
    thumbnail = models.ImageField(upload_to=item_file_path, max_length=300, blank=True)
    container = models.CharField(max_length=20, blank=True)
    mime_type = models.CharField(max_length=50, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Each run of the processing counts here when it starts: a run that never finished (its
    # worker killed) is found by the periodic sweep, which tries again or gives up.
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processing_attempts = models.PositiveSmallIntegerField(default=0)

    objects = MediaItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_ready(self) -> bool:
        return self.status == MediaStatus.READY

    @property
    def kind_name(self) -> str:
        return self._meta.model_name

    def files(self) -> list[models.fields.files.FieldFile]:
        """Every stored file of this item, without repeats (the web file may be the source)."""
        seen: dict[str, models.fields.files.FieldFile] = {}
        for field in ("source", "web_file", "poster", "thumbnail", *self.EXTRA_FILES):
            value = getattr(self, field)
            if value and value.name not in seen:
                seen[value.name] = value
        return list(seen.values())

    EXTRA_FILES: tuple[str, ...] = ()


class Clip(MediaItem):
    """A short video (up to 5 minutes), optionally from one performance."""

    FOLDER = "clips"
    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.CASCADE, related_name="clips")
    performance = models.ForeignKey(
        "performances.Performance", null=True, blank=True, on_delete=models.SET_NULL, related_name="clips"
    )
    title = models.CharField(max_length=100, blank=True)

    class Meta(MediaItem.Meta):
        indexes = [models.Index(fields=["artist", "status", "-created_at"], name="clip_by_artist")]

    def __str__(self) -> str:
        return self.title or f"Clip by {self.artist}"

    def get_absolute_url(self) -> str:
        return reverse("artist-detail", kwargs={"slug": self.artist.slug}) + f"#clip-{self.pk}"


class Story(MediaItem):
    """A video (up to 60 s) or an image that disappears 24 hours after it is posted."""

    FOLDER = "stories"
    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.CASCADE, related_name="stories")
    performance = models.ForeignKey(
        "performances.Performance", null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    expires_at = models.DateTimeField(db_index=True)

    # Every read goes through the current stories: one is gone at expires_at, whether or
    # not the clean-up has run. ``everything`` is for the clean-up and the back office.
    objects = CurrentStoryManager()
    everything = MediaItemQuerySet.as_manager()

    class Meta(MediaItem.Meta):
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["artist", "expires_at"], name="story_by_artist")]

    def __str__(self) -> str:
        return f"Story by {self.artist} ({timezone.localtime(self.created_at):%d %b %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.expires_at is None:
            self.expires_at = self.created_at + timedelta(hours=settings.STORY_LIFETIME_HOURS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("artist-detail", kwargs={"slug": self.artist.slug}) + "#stories"


class Track(MediaItem):
    """A recording in the local catalog (up to 15 minutes)."""

    FOLDER = "tracks"
    EXTRA_FILES = ("artwork",)
    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.CASCADE, related_name="tracks")
    title = models.CharField(max_length=100)
    genre = models.ForeignKey(
        "places.Genre", null=True, blank=True, on_delete=models.SET_NULL, related_name="tracks"
    )
    area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="tracks"
    )
    artwork = models.ImageField(upload_to=item_file_path, max_length=300, blank=True)
    play_count = models.PositiveIntegerField(default=0)

    class Meta(MediaItem.Meta):
        indexes = [
            models.Index(fields=["artist", "status", "-created_at"], name="track_by_artist"),
            models.Index(fields=["genre", "status"], name="track_by_genre"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.artist}"

    def get_absolute_url(self) -> str:
        return reverse("artist-detail", kwargs={"slug": self.artist.slug}) + f"#track-{self.pk}"


class Play(models.Model):
    """A listener passed the counting point of a track: feeds trending and supporter payouts."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="plays")
    listener = models.CharField(max_length=64, help_text="The user, or an anonymous daily hash.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="plays"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PlayQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["track", "listener", "-created_at"], name="play_recent")]

    def __str__(self) -> str:
        return f"{self.track} played"
