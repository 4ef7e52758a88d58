"""Where an artist plays: live now, the shows to come and the recent ones, as their page and
their API resource show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from apps.accounts.models import ArtistProfile, User

from .models import Performance

UPCOMING_SHOWN = 10
RECENT_SHOWN = 5


@dataclass(frozen=True)
class Shows:
    live: list[Performance]
    upcoming: list[Performance]
    recent: list[Performance]


def artist_shows(artist: ArtistProfile, *, user: User | None, now: datetime | None = None) -> Shows:
    """The artist's shows this user may see; a cancelled show is in none of the lists."""
    now = now or timezone.now()
    shows = Performance.objects.visible_to(user).of_artist(artist).with_related()
    return Shows(
        live=list(shows.live()),
        upcoming=list(shows.upcoming(now)[:UPCOMING_SHOWN]),
        recent=list(shows.recent()[:RECENT_SHOWN]),
    )
