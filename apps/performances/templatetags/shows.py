"""An artist's shows on their page (an accounts page, which cannot import performances)."""

from __future__ import annotations

from django import template

from apps.accounts.models import ArtistProfile

from ..shows import artist_shows as shows_of

register = template.Library()


@register.inclusion_tag("performances/partials/artist_shows.html", takes_context=True)
def artist_shows(context: template.Context, artist: ArtistProfile) -> dict:
    """``{% artist_shows artist %}``: live now (prominent), coming up, and recent."""
    return {"artist": artist, "shows": shows_of(artist, user=context.get("user"))}
