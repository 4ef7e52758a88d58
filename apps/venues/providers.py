"""Where an event's music comes from.

``MusicProvider`` is the seam: the event pages, the API and the voting rules ask a
provider for the pool, a track of it, and where to stream it. The local catalog (the media
app's tracks) is the one provider today. An external provider would implement the same
three methods over its own catalog, mirror the tracks it offers into ``media.Track`` rows
(or a model of its own with the same fields), and be chosen per event or in settings.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q, QuerySet

from apps.media.models import Track

from .models import Event


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
        # Every vote asks this: one statement finds the track and checks the pool's rules.
        return Event.objects.pool_track(event.pk, track_id)

    def stream_url(self, track: Track) -> str:
        return track.web_file.url if track.web_file else ""


def provider_for(event: Event) -> MusicProvider:
    return LocalCatalog()
