"""The city: where it is. Read as django.conf.settings.X (pulled in by config/settings/base.py)."""

from apps.core.env import env

# Where maps open, and what the home page's "playing today" is near, when the visitor has not
# said where they are.
CITY_CENTRE = (
    env.float("CITY_CENTRE_LAT", default=38.7139),
    env.float("CITY_CENTRE_LNG", default=-9.1394),
)
