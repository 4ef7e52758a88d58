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
