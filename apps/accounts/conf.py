"""Product settings owned by accounts, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from apps.core.env import env

# Avatars (apps.accounts.services.process_avatar): the largest upload taken, and the side
# of the square JPEG kept.
AVATAR_MAX_BYTES = env.positive_int("AVATAR_MAX_BYTES", 15 * 1024 * 1024)
AVATAR_SIZE = 512

# How far "near me" reaches, in km: a fan's saved radius (User.radius_km, whose default and
# validator come from here) and the map, nearby API and map socket of performances, which
# refuse a wider radius and start anonymous visitors at the default.
MAX_RADIUS_KM = 50
DEFAULT_RADIUS_KM = 5

# Failed sign-ins (apps.accounts.services.start_sign_in_attempt). One address guessing one
# account may fail this many times freely; after that each failure doubles the wait before
# the next try (2 s, 4 s, 8 s, …) up to the cap. An address failing on many accounts waits
# the same way past the larger count. The account's owner elsewhere is never held up.
SIGN_IN_FAILURES_PER_ACCOUNT = 5
SIGN_IN_FAILURES_PER_ADDRESS = 30
SIGN_IN_MAX_WAIT_SECONDS = 15 * 60
# Failures are forgotten after a day without one.
SIGN_IN_FAILURE_MEMORY_SECONDS = 24 * 60 * 60
