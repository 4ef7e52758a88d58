"""Media on other apps' pages (an artist's page, a performance's page), without those apps
reaching up into this one: the page loads these tags and passes its artist or performance."""

from __future__ import annotations

from django import template

from apps.accounts.models import ArtistProfile
from apps.performances.models import Performance

from ..models import Clip
from ..selectors import artist_media as artist_media_context

register = template.Library()


@register.inclusion_tag("media/partials/artist_media.html", takes_context=True)
def artist_media(context: template.Context, artist: ArtistProfile) -> dict:
    """The artist's public stories, clips and tracks, each with its report form."""
    return {
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
        "artist": artist,
        **artist_media_context(artist),
    }


@register.inclusion_tag("media/partials/performance_clips.html")
def performance_clips(performance: Performance) -> dict:
    return {"clips": Clip.objects.public().filter(performance=performance)[:6]}
