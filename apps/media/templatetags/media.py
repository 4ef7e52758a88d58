"""Media on other apps' pages (an artist's page, a performance's page), without those apps
reaching up into this one: the page loads these tags and passes its artist or performance."""

from __future__ import annotations

from django import template

from apps.accounts.models import ArtistProfile
from apps.performances.models import Performance

from ..models import Clip, Story, Track
from ..services import play_threshold

register = template.Library()

CLIPS_SHOWN = 12
TRACKS_SHOWN = 20


@register.inclusion_tag("media/partials/artist_media.html", takes_context=True)
def artist_media(context: template.Context, artist: ArtistProfile) -> dict:
    """The artist's public stories, clips and tracks, each with its report form."""
    tracks = list(Track.objects.public().by_artist(artist).select_related("genre")[:TRACKS_SHOWN])
    for track in tracks:
        # The page's player counts a play after this many seconds.
        track.play_after = play_threshold(track)
    return {
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
        "artist": artist,
        # Oldest first: a story viewer plays them in the order they were posted.
        "stories": list(Story.objects.public().by_artist(artist).order_by("created_at")),
        "clips": list(Clip.objects.public().by_artist(artist).select_related("performance")[:CLIPS_SHOWN]),
        "tracks": tracks,
    }


@register.inclusion_tag("media/partials/performance_clips.html")
def performance_clips(performance: Performance) -> dict:
    return {"clips": Clip.objects.public().filter(performance=performance)[:6]}


@register.filter
def play_after(track: Track) -> float:
    """Seconds of listening after which the page's player reports a play of this track."""
    return play_threshold(track)


@register.filter
def clock(seconds: float | None) -> str:
    """A duration as a clock reads it: 0:04, 3:27, 1:02:05."""
    if seconds is None:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"
