"""What pages show of an artist's media, in the few queries a page needs."""

from __future__ import annotations

from typing import Any

from .models import Clip, Story, Track
from .services import play_threshold


def artist_media(artist, *, clips: int = 12, tracks: int = 20) -> dict[str, Any]:  # noqa: ANN001
    """The public stories, clips and tracks of an artist's page."""
    track_list = list(Track.objects.public().by_artist(artist).select_related("genre")[:tracks])
    for track in track_list:
        track.play_after = play_threshold(track)
    return {
        # Oldest first: a story viewer plays them in the order they were posted.
        "stories": list(Story.objects.public().by_artist(artist).order_by("created_at")),
        "clips": list(Clip.objects.public().by_artist(artist).select_related("performance")[:clips]),
        "tracks": track_list,
    }
