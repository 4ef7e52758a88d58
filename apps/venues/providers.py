"""Where an event's music comes from.

``MusicProvider`` is the seam: the event pages, the API and the voting rules ask a
provider for the pool, a track of it, and where to stream it. The local catalog (the media
app's tracks) is the one provider today. An external provider would implement the same
three methods over its own catalog, mirror the tracks it offers into ``media.Track`` rows
(or a model of its own with the same fields), and be chosen per event or in settings.
"""

from __future__ import annotations

from typing import Protocol

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from apps.media.models import Track

from .models import Event

# A safety net: changes through the ORM forget the cached rules at once.
POOL_RULES_SECONDS = 300


class MusicProvider(Protocol):
    name: str

    def pool(self, event: Event, *, query: str = "") -> QuerySet[Track]:
        """The tracks guests may request at ``event``, optionally matching ``query``."""

    def track(self, event: Event, track_id: int) -> Track | None:
        """One track of the pool, or None when it is not (or no longer) in it."""

    def stream_url(self, track: Track) -> str:
        """Where the display's player loads the audio from."""


class LocalCatalog:
    """The city's own artists: processed, visible tracks of the media app."""

    name = "local"

    def _rule(self, event: Event) -> Q:
        return (
            Q(genre__in=event.pool_genres.all())
            | Q(area__in=event.pool_areas.all())
            | Q(artist__in=event.pool_artists.all())
            | Q(pk__in=event.pool_tracks.all())
        )

    def pool(self, event: Event, *, query: str = "") -> QuerySet[Track]:
        tracks = Track.objects.public().filter(self._rule(event))
        if query:
            # A guest types what they want to hear: a song, an artist, or a kind of music.
            tracks = tracks.filter(
                Q(title__icontains=query)
                | Q(artist__stage_name__icontains=query)
                | Q(genre__name__icontains=query)
            )
        # The subquery keeps one row per track however many pool rules it matches.
        return (
            Track.objects.filter(pk__in=tracks.values("pk"))
            .select_related("artist", "genre")
            .order_by("artist__stage_name", "title", "id")
        )

    def track(self, event: Event, track_id: int) -> Track | None:
        # Every vote asks this: one row by its key, checked against the pool's rules.
        track = Track.objects.public_one(track_id)
        if track is None:
            return None
        rules = pool_rules(event)
        in_pool = (
            track.pk in rules["tracks"]
            or track.genre_id in rules["genres"]
            or track.area_id in rules["areas"]
            or track.artist_id in rules["artists"]
        )
        return track if in_pool else None

    def stream_url(self, track: Track) -> str:
        return track.web_file.url if track.web_file else ""


def _pool_rules_key(event_id: int) -> str:
    return f"venues:pool-rules:{event_id}"


def pool_rules(event: Event) -> dict[str, set[int]]:
    """The ids an event's pool is made of, kept in the cache until the pool changes."""
    key = _pool_rules_key(event.pk)
    rules = cache.get(key)
    if rules is None:
        rules = {
            "genres": set(event.pool_genres.values_list("pk", flat=True)),
            "areas": set(event.pool_areas.values_list("pk", flat=True)),
            "artists": set(event.pool_artists.values_list("pk", flat=True)),
            "tracks": set(event.pool_tracks.values_list("pk", flat=True)),
        }
        cache.set(key, rules, timeout=POOL_RULES_SECONDS)
    return rules


def pool_changed(event_id: int) -> None:
    cache.delete(_pool_rules_key(event_id))


@receiver(m2m_changed, sender=Event.pool_genres.through)
@receiver(m2m_changed, sender=Event.pool_areas.through)
@receiver(m2m_changed, sender=Event.pool_artists.through)
@receiver(m2m_changed, sender=Event.pool_tracks.through)
def _forget_pool_rules(sender, instance, reverse: bool, pk_set, **kwargs) -> None:  # noqa: ANN001
    if kwargs["action"] not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        pool_changed(instance.pk)
        return
    # Changed from the other side (a genre's events): forget each event it touched.
    event_ids = pk_set if pk_set is not None else Event.objects.values_list("pk", flat=True)
    for event_id in event_ids:
        pool_changed(event_id)


def provider_for(event: Event) -> MusicProvider:
    return LocalCatalog()
