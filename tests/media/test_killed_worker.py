"""A worker killed while it processes an upload (SIGKILL: no clean-up, no retry by the broker
for an hour) strands nothing: the sweep finds the stopped run, sends the upload to processing
again, removes the dead run's work folder, and a new worker finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files import File
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Notification
from apps.media import generate, services
from apps.media.models import Clip, MediaStatus
from config.celery import app
from tests.workers import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.slow]


class WorkerProcess:
    """`celery worker` in a process of its own, on the test database, media and broker."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "TMPDIR": str(self.work_dir),  # where its runs make their work folders
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


@pytest.fixture
def worker_process(tmp_path, settings) -> Iterator[WorkerProcess]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker in another process shares the test database")
    # Tasks go to the broker, for the worker process, not run here.
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    work = tmp_path / "work"
    work.mkdir()
    worker = WorkerProcess(work)
    yield worker
    worker.stop()
    app.conf.task_always_eager = saved


def test_an_upload_whose_worker_was_killed_is_finished_by_the_next_one(
    worker_process, artist, tmp_path, monkeypatch
):
    # A WebM, which browsers get as MP4: its transcoding takes seconds, so the kill lands mid-run.
    video = generate.make_video(tmp_path / "long.webm", seconds=30, size=(960, 540))
    clip = Clip(artist=artist, kind="video", status=MediaStatus.PROCESSING)
    with video.open("rb") as handle:
        clip.source.save("source.webm", File(handle), save=False)
    clip.save()

    worker_process.start()
    services._enqueue_processing("clip", clip.pk)
    assert wait_for(lambda: Clip.objects.get(pk=clip.pk).processing_attempts == 1, seconds=60)
    assert wait_for(lambda: any(worker_process.work_dir.glob("encore-media-*")), seconds=30), (
        Clip.objects.get(pk=clip.pk).status
    )
    worker_process.kill()

    clip.refresh_from_db()
    assert clip.status == MediaStatus.PROCESSING, "the run finished before the kill"
    assert list(worker_process.work_dir.glob("encore-media-*")), "a killed run leaves its folder"

    # Later, the periodic sweep: the run has stopped, its folder belongs to nobody.
    monkeypatch.setattr(tempfile, "tempdir", str(worker_process.work_dir))
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.MEDIA_STUCK_AFTER_MINUTES + 1)):
        assert services.requeue_stuck_media() == 1
    assert not list(worker_process.work_dir.glob("encore-media-*"))

    worker_process.start()
    assert wait_for(lambda: Clip.objects.get(pk=clip.pk).status != MediaStatus.PROCESSING, seconds=120)
    clip.refresh_from_db()
    assert clip.status == MediaStatus.READY, clip.failure_reason
    assert clip.processing_attempts == 2
    assert Notification.objects.filter(recipient=artist.user, kind="media_ready").count() == 1
