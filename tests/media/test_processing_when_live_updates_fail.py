"""Processing finishes when the uploader's live update cannot be sent: the item is ready
and the notification stored, and the task does not fail after the work is committed."""

from __future__ import annotations

import io

import pytest
from django.core.files import File

from apps.accounts.models import Notification
from apps.media.models import Clip, MediaStatus
from apps.media.tasks import process_media
from tests.core import channel_layer_faults

refuse_sends = channel_layer_faults.refuse_sends

# On commit for real: the task commits and sends as it does in the worker.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_processed_clip_is_ready_and_its_uploader_notified_when_the_channel_layer_refuses(
    artist, media_files, refuse_sends
):
    clip = Clip(artist=artist, kind="video", status=MediaStatus.PROCESSING)
    with media_files["video"].open("rb") as handle:
        clip.source.save("source.mp4", File(handle), save=False)
    clip.save()
    attempts = refuse_sends()

    process_media("clip", clip.pk)

    clip.refresh_from_db()
    assert clip.status == MediaStatus.READY, clip.failure_reason
    assert Notification.objects.filter(recipient=artist.user, kind="media_ready").count() == 1
    assert attempts == [f"user.{artist.user.pk}"]


def test_a_clip_that_fails_is_marked_and_its_uploader_notified_when_the_channel_layer_refuses(
    artist, refuse_sends
):
    clip = Clip(artist=artist, kind="video", status=MediaStatus.PROCESSING)
    clip.source.save("source.mp4", File(io.BytesIO(b"not media at all")), save=False)
    clip.save()
    refuse_sends()

    process_media("clip", clip.pk)

    clip.refresh_from_db()
    assert clip.status == MediaStatus.FAILED
    assert Notification.objects.filter(recipient=artist.user, kind="media_failed").count() == 1
