"""Product settings owned by core, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from apps.core.env import env

# The city the whole site is about: page titles and headings name it, through the
# context processor apps.core.context_processors.site.
CITY_NAME = env.str("CITY_NAME", default="Lisbon")

# While Redis or the database is unreachable, a request that needs it answers 503 with this
# Retry-After (apps.core.outage): long enough not to hammer a recovering server.
OUTAGE_RETRY_AFTER_SECONDS = env.positive_int("OUTAGE_RETRY_AFTER_SECONDS", 30)

# Live updates a socket may have waiting to be written (apps.core.hub). A socket that is this
# far behind is sent one "resync" message in their place: a queue message is about 7 KB, so
# 256 of them hold under 2 MB per stalled phone, and a socket that reads at all never gets near.
LIVE_SOCKET_BUFFER = env.positive_int("LIVE_SOCKET_BUFFER", 256)
