"""Product settings owned by curation, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from django.core.exceptions import ImproperlyConfigured

from apps.core.env import env

# Trending (apps.curation.trending): an engagement's weight halves every
# TRENDING_HALF_LIFE_HOURS, and each kind of engagement weighs this much.
TRENDING_HALF_LIFE_HOURS = env.float("TRENDING_HALF_LIFE_HOURS", default=48.0)
if TRENDING_HALF_LIFE_HOURS <= 0:
    raise ImproperlyConfigured("Environment variable TRENDING_HALF_LIFE_HOURS must be above 0")
TRENDING_WEIGHTS = {
    "view": env.float("TRENDING_WEIGHT_VIEW", default=1.0),
    "like": env.float("TRENDING_WEIGHT_LIKE", default=3.0),
    "play": env.float("TRENDING_WEIGHT_PLAY", default=1.0),
    "vote": env.float("TRENDING_WEIGHT_VOTE", default=2.0),
    "tip": env.float("TRENDING_WEIGHT_TIP", default=8.0),
    "follow": env.float("TRENDING_WEIGHT_FOLLOW", default=5.0),
}
if any(weight < 0 for weight in TRENDING_WEIGHTS.values()):
    raise ImproperlyConfigured("Environment variables TRENDING_WEIGHT_* must not be negative")
# The ranked lists live this long in the cache: longer than the ten-minute schedule of
# compute_trending (CELERY_BEAT_SCHEDULE), so a missed run does not empty them.
TRENDING_CACHE_SECONDS = env.positive_int("TRENDING_CACHE_SECONDS", 30 * 60)
