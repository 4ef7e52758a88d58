"""Product settings owned by media, pulled into ``config.settings.base``.

Read them as ``django.conf.settings.X``; tests override them with ``settings`` or
``override_settings`` like any other setting.
"""

from apps.core.env import env

# Uploads are checked by their content (apps.media.probe, apps.media.services); these are
# the limits it applies, per kind of file and per kind of upload. The upload page states
# the byte limits.
MEDIA_VIDEO_MAX_BYTES = env.positive_int("MEDIA_VIDEO_MAX_BYTES", 200 * 1024 * 1024)
MEDIA_AUDIO_MAX_BYTES = env.positive_int("MEDIA_AUDIO_MAX_BYTES", 50 * 1024 * 1024)
MEDIA_IMAGE_MAX_BYTES = env.positive_int("MEDIA_IMAGE_MAX_BYTES", 15 * 1024 * 1024)
CLIP_MAX_SECONDS = 5 * 60
STORY_MAX_SECONDS = 60
TRACK_MAX_SECONDS = 15 * 60
# Larger images are pixel floods: a few KB on disk, gigabytes once decoded
# (apps.media.probe and apps.media.processing both refuse them).
MEDIA_IMAGE_MAX_PIXELS = 40_000_000
MEDIA_VIDEO_MAX_SIDE = 4096

# A story is served this long after it is posted (Story.expires_at); a periodic task then
# deletes it.
STORY_LIFETIME_HOURS = 24

# A play counts once a listener passes this point, once per listener and track per window
# (apps.media.services.record_play).
PLAY_COUNTS_AFTER_SECONDS = 30
PLAY_REPEAT_WINDOW_SECONDS = 10 * 60

# A processing run that has not finished after this long has stopped (its worker was killed:
# the broker would only hand its task out again after its visibility timeout, half an hour,
# CELERY_BROKER_TRANSPORT_OPTIONS). The sweep sends the item to processing again, up to
# MEDIA_PROCESSING_ATTEMPTS runs in all, then marks it failed.
# Longer than the slowest real run: a 5-minute 4K clip takes a few minutes on one core.
MEDIA_STUCK_AFTER_MINUTES = env.positive_int("MEDIA_STUCK_AFTER_MINUTES", 15)
MEDIA_PROCESSING_ATTEMPTS = 3
