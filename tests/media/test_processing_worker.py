"""A real Celery worker processes a real uploaded video; running the task twice makes one poster."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files import File

from apps.accounts.models import Notification
from apps.media.models import Clip, MediaStatus
from apps.media.tasks import process_media
from tests import workers
from tests.workers import wait_for

worker = workers.worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.slow]


def test_a_worker_makes_one_poster_even_when_the_task_runs_twice(worker, artist, media_files):
    clip = Clip(artist=artist, kind="video", status=MediaStatus.PROCESSING)
    with media_files["video"].open("rb") as handle:
        clip.source.save("source.mp4", File(handle), save=False)
    clip.save()
    process_media.delay("clip", clip.pk)
    process_media.delay("clip", clip.pk)

    assert wait_for(lambda: Clip.objects.get(pk=clip.pk).status != MediaStatus.PROCESSING)
    time.sleep(1)  # the second run finishes too
    clip.refresh_from_db()
    assert clip.status == MediaStatus.READY, clip.failure_reason
    folder = Path(clip.source.path).parent
    assert sorted(p.name for p in folder.iterdir()) == ["poster.jpg", "source.mp4", "thumb.jpg"]
    assert Notification.objects.filter(recipient=artist.user, kind="media_ready").count() == 1


def test_a_file_that_is_not_media_fails_with_a_reason_the_uploader_sees(worker, artist):
    clip = Clip(artist=artist, kind="video", status=MediaStatus.PROCESSING)
    with open(__file__, "rb") as handle:
        clip.source.save("source.mp4", File(handle), save=False)
    clip.save()
    process_media.delay("clip", clip.pk)
    assert wait_for(lambda: Clip.objects.get(pk=clip.pk).status == MediaStatus.FAILED)
    clip.refresh_from_db()
    assert clip.failure_reason
    assert Notification.objects.get(recipient=artist.user, kind="media_failed")


def test_the_task_returns_quietly_when_the_item_is_gone(worker):
    process_media.delay("clip", 987654)
    process_media.delay("nonsense", 1)
    time.sleep(0.5)
