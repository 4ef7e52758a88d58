from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from apps.accounts.roles import is_curator

from .choices import MediaStatus


class MediaItemQuerySet(models.QuerySet):
    def stuck_in_processing(self, cutoff) -> MediaItemQuerySet:  # noqa: ANN001
        """Still processing, with no run started since `cutoff` (nor uploaded since, if no run
        ever started): the run that had it stopped."""
        return self.filter(status=MediaStatus.PROCESSING).filter(
            models.Q(processing_started_at__lt=cutoff)
            | models.Q(processing_started_at__isnull=True, created_at__lt=cutoff)
        )

    def public(self) -> MediaItemQuerySet:
        """What anyone may see: processed, and neither it nor its artist hidden."""
        return self.filter(status=MediaStatus.READY, hidden=False, artist__hidden=False)

    def by_artist(self, artist) -> MediaItemQuerySet:  # noqa: ANN001
        return self.filter(artist=artist)

    def owned_by(self, user) -> MediaItemQuerySet:  # noqa: ANN001
        if not user.is_authenticated:
            return self.none()
        return self.filter(artist__user=user)

    def visible_to(self, user) -> MediaItemQuerySet:  # noqa: ANN001
        """Public items, plus the user's own in any state; curators also see hidden ones."""
        if user is None or not user.is_authenticated:
            return self.public()
        own = models.Q(artist__user=user)
        if is_curator(user):
            return self.filter(models.Q(status=MediaStatus.READY) | own)
        return self.filter(models.Q(status=MediaStatus.READY, hidden=False, artist__hidden=False) | own)

    def servable_to(self, user) -> MediaItemQuerySet:  # noqa: ANN001
        """Whose files may be served to this user: hidden ones only to curators."""
        if user is not None and is_curator(user):
            return self
        return self.filter(hidden=False, artist__hidden=False)

    def with_artist(self) -> MediaItemQuerySet:
        return self.select_related("artist")


# public() for one track by its key, written out (with the fields a pool's rules and a queue
# need): a busy night's votes each look one up (apps.venues: Event.objects.pool_track), and
# through the ORM building the statement cost five times what running it did. A test keeps it
# and public() the same.
PUBLIC_TRACK_FIELDS = ("id", "title", "genre_id", "area_id", "artist_id")
PUBLIC_TRACK = (
    "SELECT track.id, track.title, track.genre_id, track.area_id, track.artist_id"
    " FROM media_track AS track INNER JOIN accounts_artistprofile AS artist ON artist.id = track.artist_id"
    " WHERE track.id = %s AND track.status = %s AND NOT track.hidden AND NOT artist.hidden"
)


class CurrentStoryManager(models.Manager.from_queryset(MediaItemQuerySet)):
    def get_queryset(self) -> MediaItemQuerySet:
        return super().get_queryset().filter(expires_at__gt=timezone.now())


class PlayQuerySet(models.QuerySet):
    def recent(self, track, listener: str, window: timedelta) -> PlayQuerySet:  # noqa: ANN001
        return self.filter(track=track, listener=listener, created_at__gt=timezone.now() - window)
