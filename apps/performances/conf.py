"""Product settings owned by performances, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from apps.core.env import env

# The live map's tiles, passed to Leaflet by the map pages (apps.performances.views).
# base.py also allows the tile server's origin in the Content-Security-Policy.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# How long a nearby answer is served from the tile cache (apps.performances.nearby);
# 0 turns the cache off.
NEARBY_CACHE_SECONDS = env.int("NEARBY_CACHE_SECONDS", default=30)

# A live artist's device sends its position at most once per interval
# (apps.performances.services.update_position; the position_sharing template tag passes it
# to static/js/share_position.js). The server accepts an update up to the tolerance early: a
# device timing 5.0 s from its own send is measured 4.9x s apart once the two requests'
# network delays differ, and refusing it loses that position. 0.5 s covers the usual jitter
# of a phone's connection and lets through at most one update per 4.5 s (11% more than the
# interval), which the map's fan-out absorbs.
POSITION_INTERVAL_SECONDS = 5
POSITION_EARLY_TOLERANCE_SECONDS = 0.5

# A live performance whose last stop ended this long ago, and which sent no position for as
# long, ends by itself (apps.performances.services.end_stale_performances, every five
# minutes): a phone that died or an End never pressed must not leave a marker on the map.
# Half an hour lets a set run over, and an artist still sharing their position stays live.
LIVE_GRACE_MINUTES = env.positive_int("LIVE_GRACE_MINUTES", 30)
