"""Product settings owned by venues, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from django.core.exceptions import ImproperlyConfigured

from apps.core.env import env

# Joining an event (apps.venues.services and views): the display's QR code changes this
# often, and a code stays good for this period and the next; a guest session (cookie or
# app token) then lasts this long.
EVENT_QR_ROTATE_SECONDS = 10 * 60
EVENT_GUEST_MAX_AGE_SECONDS = 12 * 60 * 60

# Voting (apps.venues.services.cast_vote): venue Wi-Fi shares one address among a room of
# guests, so the cap per address is generous.
EVENT_VOTES_PER_NETWORK_PER_MINUTE = env.positive_int("EVENT_VOTES_PER_NETWORK_PER_MINUTE", 600)

# Typed join codes (apps.venues.services.event_for_join_code) that no screen shows, per address
# per ten minutes. Six characters that change every few minutes cannot be guessed at this
# rate, while a room of guests mistyping behind one address stays well under it.
EVENT_JOIN_CODE_MISSES_PER_NETWORK = env.positive_int("EVENT_JOIN_CODE_MISSES_PER_NETWORK", 60)

# Queue snapshots (apps.venues.events) go out at most this often per event, however fast
# votes arrive.
EVENT_QUEUE_COALESCE_SECONDS = env.float("EVENT_QUEUE_COALESCE_SECONDS", default=0.1)
if not 0 <= EVENT_QUEUE_COALESCE_SECONDS <= 1:
    raise ImproperlyConfigured("Environment variable EVENT_QUEUE_COALESCE_SECONDS must be from 0 to 1")
