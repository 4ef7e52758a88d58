"""What discovery pages show: an area's or a genre's music, and a fan's "for you", each with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import ArtistProfile, User
from apps.media.models import Play, Track
from apps.performances.models import Performance, PerformanceStatus, View
from apps.places.geo import haversine
from apps.places.models import Area, Genre
from apps.venues.models import Event

from .models import Collection

SECTION_SIZE = 12


@dataclass
class Discovery:
    """One area's or genre's page: what is on now and soon, who plays it, and where to read more."""

    live: list[Performance] = field(default_factory=list)
    upcoming: list[Performance] = field(default_factory=list)
    artists: list[ArtistProfile] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _performances(where: Q, now: datetime) -> tuple[list[Performance], list[Performance]]:
    base = Performance.objects.public().filter(where).distinct()
    live = list(base.live().with_related()[:SECTION_SIZE])
    upcoming = list(base.filter(status="scheduled").next_first(now).with_related()[:SECTION_SIZE])
    return live, upcoming


def upcoming_events(where: Q | None = None, now: datetime | None = None) -> QuerySet[Event]:
    """Jukebox nights guests can open that have not ended, soonest first."""
    now = now or timezone.now()
    return (
        Event.objects.public()
        .filter(where or Q(), ends_at__gt=now)
        .exclude(status="ended")
        .select_related("venue")
        .order_by("starts_at", "id")
    )


def area_discovery(area: Area, *, now: datetime | None = None) -> Discovery:
    now = now or timezone.now()
    live, upcoming = _performances(Q(stops__area=area), now)
    return Discovery(
        live=live,
        upcoming=upcoming,
        artists=list(
            ArtistProfile.objects.public().filter(home_area=area).order_by("stage_name")[:SECTION_SIZE]
        ),
        tracks=list(
            Track.objects.public().filter(area=area).with_artist().order_by("-created_at")[:SECTION_SIZE]
        ),
        collections=list(Collection.objects.published(now).filter(areas=area).distinct()[:SECTION_SIZE]),
        events=list(upcoming_events(Q(venue__area=area), now)[:SECTION_SIZE]),
    )


def genre_discovery(genre: Genre, *, now: datetime | None = None) -> Discovery:
    now = now or timezone.now()
    live, upcoming = _performances(Q(genre=genre), now)
    return Discovery(
        live=live,
        upcoming=upcoming,
        artists=list(
            ArtistProfile.objects.public()
            .filter(genres=genre)
            .distinct()
            .order_by("stage_name")[:SECTION_SIZE]
        ),
        tracks=list(
            Track.objects.public().filter(genre=genre).with_artist().order_by("-created_at")[:SECTION_SIZE]
        ),
        collections=list(Collection.objects.published(now).filter(genres=genre).distinct()[:SECTION_SIZE]),
        events=list(upcoming_events(Q(pool_genres=genre), now).distinct()[:SECTION_SIZE]),
    )


@dataclass(frozen=True)
class Suggestion:
    item: Any
    reason: str


def _reason(artist_id: int, genre_id: int | None, followed: dict[int, str], liked: dict[int, str]) -> str:
    if artist_id in followed:
        return f"Because you follow {followed[artist_id]}"
    return f"Because you like {liked[genre_id]}"


def for_you(
    user: User, *, lat: float | None = None, lng: float | None = None, now: datetime | None = None
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Performances to come and tracks from followed artists and favourite genres, not yet seen.

    With a location, performances are those with a stop within the fan's radius.
    """
    now = now or timezone.now()
    followed = dict(ArtistProfile.objects.filter(followers__fan=user).values_list("pk", "stage_name"))
    liked = dict(user.preferred_genres.values_list("pk", "name"))
    if not followed and not liked:
        return [], []
    wanted = Q(artist__in=list(followed)) | Q(genre__in=list(liked))
    seen = View.objects.filter(user=user).values("performance_id")
    performances = (
        Performance.objects.public()
        .active()
        .filter(wanted)
        # A show to come that the fan has looked at is left out; one playing now stays, as
        # they may want to go back to it.
        .exclude(Q(pk__in=seen) & ~Q(status=PerformanceStatus.LIVE))
        .exclude(artist__user=user)
        .next_first(now)
        .with_related()
    )
    if lat is not None and lng is not None:
        radius_m = user.radius_km * 1000
        performances = [
            p
            for p in performances[: SECTION_SIZE * 5]
            if any(haversine(lat, lng, s.lat, s.lng) <= radius_m and s.ends_at > now for s in p.stops.all())
        ]
    played = Play.objects.filter(user=user).values("track_id")
    tracks = (
        Track.objects.public()
        .filter(wanted)
        .exclude(pk__in=played)
        .exclude(artist__user=user)
        .with_artist()
        .order_by("-created_at", "-id")
    )
    return (
        [
            Suggestion(p, _reason(p.artist_id, p.genre_id, followed, liked))
            for p in list(performances)[:SECTION_SIZE]
        ],
        [Suggestion(t, _reason(t.artist_id, t.genre_id, followed, liked)) for t in tracks[:SECTION_SIZE]],
    )
