"""An upload whose processing stopped (its worker killed mid-way) is not stranded: a periodic
sweep sends it to processing again, gives up with a reason after a few tries, and clears the
work folders dead runs left behind."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from apps.accounts.models import Notification
from apps.media import services, tasks
from apps.media.models import Clip, MediaStatus
from tests.factories import ClipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, int]]:
    """What the sweep sends to processing (the worker's queue)."""
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(services, "_enqueue_processing", lambda kind, item_id: queued.append((kind, item_id)))
    return queued


def stopped_run(minutes_ago: int, attempts: int = 1) -> Clip:
    """A clip whose processing started `minutes_ago` and never finished."""
    clip = ClipFactory(status=MediaStatus.PROCESSING)
    started = timezone.now() - timedelta(minutes=minutes_ago)
    Clip.objects.filter(pk=clip.pk).update(
        created_at=started, processing_started_at=started, processing_attempts=attempts
    )
    return clip


def test_a_run_that_stopped_long_ago_is_sent_to_processing_again(sent, settings):
    settings.MEDIA_STUCK_AFTER_MINUTES = 15
    stuck = stopped_run(minutes_ago=20)
    running = stopped_run(minutes_ago=5)

    services.requeue_stuck_media()

    assert sent == [("clip", stuck.pk)]
    assert Clip.objects.get(pk=running.pk).status == MediaStatus.PROCESSING


def test_an_upload_never_picked_up_is_sent_too(sent, settings):
    settings.MEDIA_STUCK_AFTER_MINUTES = 15
    clip = ClipFactory(status=MediaStatus.PROCESSING)
    Clip.objects.filter(pk=clip.pk).update(created_at=timezone.now() - timedelta(minutes=30))

    services.requeue_stuck_media()

    assert sent == [("clip", clip.pk)]


def test_after_the_last_try_it_fails_with_a_reason_and_the_uploader_is_told(sent, settings):
    settings.MEDIA_STUCK_AFTER_MINUTES = 15
    settings.MEDIA_PROCESSING_ATTEMPTS = 3
    clip = stopped_run(minutes_ago=20, attempts=3)

    services.requeue_stuck_media()

    clip.refresh_from_db()
    assert sent == []
    assert clip.status == MediaStatus.FAILED
    assert "kept stopping" in clip.failure_reason
    assert Notification.objects.filter(recipient=clip.artist.user).exists()


def test_each_run_counts_as_a_try_and_is_timed(settings):
    clip = ClipFactory(status=MediaStatus.PROCESSING)
    at = timezone.now().replace(microsecond=0)
    with time_machine.travel(at, tick=False):
        services.start_processing_attempt(clip)
    clip.refresh_from_db()
    assert (clip.processing_attempts, clip.processing_started_at) == (1, at)


def test_the_task_records_the_try_before_it_works(monkeypatch):
    clip = ClipFactory(status=MediaStatus.PROCESSING)
    seen = []
    monkeypatch.setattr(services, "process_item", lambda item: seen.append(item.processing_attempts))

    tasks.process_media("clip", clip.pk)

    assert seen == [1]


def test_work_folders_left_by_dead_runs_are_removed_and_live_ones_kept(settings, tmp_path, monkeypatch):
    settings.MEDIA_STUCK_AFTER_MINUTES = 15
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "encore-media-dead"
    (dead / "nested").mkdir(parents=True)
    (dead / "nested" / "web.mp4").write_bytes(b"x" * 1000)
    old = time.time() - 30 * 60
    os.utime(dead, (old, old))
    live = tmp_path / "encore-media-live"
    live.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    os.utime(other, (old, old))

    services.requeue_stuck_media()

    assert not dead.exists()
    assert live.exists() and other.exists()
    assert Path(tmp_path).exists()
