"""Performances on every page: base.html loads these tags."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from ..models import Performance

register = template.Library()


@register.inclusion_tag("performances/partials/position_sharing.html", takes_context=True)
def position_sharing(context: template.Context) -> dict:
    """While the signed-in artist is live, any open page can keep sending their position
    (static/js/share_position.js), not only the dashboard."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    try:
        # The navigation has read it already, so this costs no query; a fan stops here.
        artist = user.artist_profile
    except ObjectDoesNotExist:
        return {}
    # At most one row, found through the one-live-performance-per-artist index.
    pk = Performance.objects.live().of_artist(artist).values_list("pk", flat=True).first()
    if pk is None:
        return {}
    return {"performance_pk": pk, "interval_seconds": settings.POSITION_INTERVAL_SECONDS}
