"""Product settings owned by core, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from apps.core.env import env

# The city the whole site is about: page titles and headings name it, through the
# context processor apps.core.context_processors.site.
CITY_NAME = env.str("CITY_NAME", default="Lisbon")
