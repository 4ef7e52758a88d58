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
