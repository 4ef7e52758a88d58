"""The Tip button, for pages of apps below tips (an artist's, a performance's)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.models import ArtistProfile
from apps.performances.models import Performance

from .. import services

register = template.Library()


@register.inclusion_tag("tips/partials/tip_button.html")
def tip_button(
    artist: ArtistProfile, performance: Performance | None = None, secondary: bool = False
) -> dict:
    """``{% tip_button artist performance %}``: a link to tip, or a line saying tipping is off,
    so nobody is led to a page that can only say no."""
    url = reverse("artist-tip", args=[artist.slug])
    if performance is not None:
        url += "?" + urlencode({"performance": performance.pk})
    return {"available": services.tips_available(), "url": url, "artist": artist, "secondary": secondary}
