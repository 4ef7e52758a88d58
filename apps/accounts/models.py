from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from .managers import UserManager
from .querysets import ArtistProfileQuerySet, NotificationQuerySet


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=60, blank=True)
    preferred_genres = models.ManyToManyField(
        "places.Genre", blank=True, related_name="+", verbose_name="favourite genres"
    )
    radius_km = models.PositiveSmallIntegerField(
        default=settings.DEFAULT_RADIUS_KM,
        validators=[MinValueValidator(1), MaxValueValidator(settings.MAX_RADIUS_KM)],
        help_text="How far away performances may be, in kilometres.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """What others see: never the email address."""
        return self.display_name or "An Encore fan"


class PayoutStatus(models.TextChoices):
    NOT_CONNECTED = "not_connected", "Not connected"
    PENDING = "pending", "Onboarding"
    ACTIVE = "active", "Payouts active"


class ArtistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="artist_profile"
    )
    stage_name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    bio = models.TextField(blank=True, max_length=3000, help_text="Sanitised HTML.")
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    cover = models.ImageField(upload_to="covers/", blank=True)
    genres = models.ManyToManyField("places.Genre", blank=True, related_name="artists")
    home_area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="artists"
    )
    instagram_url = models.URLField(blank=True)
    spotify_url = models.URLField(blank=True)
    youtube_url = models.URLField(blank=True)
    website_url = models.URLField(blank=True)
    payout_status = models.CharField(
        max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.NOT_CONNECTED
    )
    stripe_account_id = models.CharField(
        max_length=255, blank=True, help_text="The connected Stripe account."
    )
    # When and why live in the moderation log (moderation.ModerationAction).
    hidden = models.BooleanField(
        default=False,
        help_text="Hidden by a curator: the page, performances and media are gone for the public.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArtistProfileQuerySet.as_manager()

    class Meta:
        ordering = ["stage_name"]
        indexes = [models.Index(fields=["id"], condition=models.Q(hidden=True), name="artist_hidden")]

    def __str__(self) -> str:
        return self.stage_name

    def get_absolute_url(self) -> str:
        return reverse("artist-detail", kwargs={"slug": self.slug})

    @property
    def links(self) -> dict[str, str]:
        return {
            name: url
            for name, url in [
                ("Instagram", self.instagram_url),
                ("Spotify", self.spotify_url),
                ("YouTube", self.youtube_url),
                ("Website", self.website_url),
            ]
            if url
        }


class Follow(models.Model):
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    artist = models.ForeignKey(ArtistProfile, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fan", "artist"], name="follow_once")]
        # Trending and daily stats read recent follows by time.
        indexes = [models.Index(fields=["created_at"], name="follow_by_time")]

    def __str__(self) -> str:
        return f"{self.fan} follows {self.artist}"


class NotificationKind(models.TextChoices):
    NEW_FOLLOWER = "new_follower", "New follower"
    ARTIST_LIVE = "artist_live", "An artist you follow is live"
    MEDIA_READY = "media_ready", "Your upload is ready"
    MEDIA_FAILED = "media_failed", "Your upload could not be processed"
    MEDIA_HIDDEN = "media_hidden", "A curator hid your upload"
    MEDIA_RESTORED = "media_restored", "A curator restored your upload"
    ITEM_HIDDEN = "item_hidden", "A curator hid your profile or performance"
    ITEM_RESTORED = "item_restored", "A curator restored your profile or performance"
    OWNER_WARNED = "owner_warned", "A curator sent you a warning"
    TIP_RECEIVED = "tip_received", "You got a tip"
    PERFORMANCE_ENDED = "performance_ended", "Your live performance ended by itself"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text
