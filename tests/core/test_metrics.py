"""Operators read Prometheus metrics at /metrics: requests and Encore's own counters, from
the addresses METRICS_ALLOWED_ADDRESSES lists or with METRICS_TOKEN; anyone else gets 404."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from apps.media.models import Clip, MediaStatus
from apps.venues import services
from tests.factories import ClipFactory, EventFactory, TrackFactory, UserFactory, VenueFactory
from tests.workers import wait_for

pytestmark = pytest.mark.django_db


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the exposition text; 0 when it is not there yet."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if labels else ''} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def scrape(client) -> str:
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    return response.content.decode()


def test_it_answers_loopback_with_request_and_live_update_metrics(client):
    client.get("/healthz")
    text = scrape(client)
    assert "django_http_requests_total" in text
    assert "encore_live_updates_sent_total" in text


def test_it_is_not_found_from_another_address(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_it_answers_another_address_with_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape")
    assert response.status_code == 200
    assert b"encore_votes_total" in response.content


def test_a_wrong_token_is_not_found(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer guess")
    assert response.status_code == 404


def test_a_listed_network_may_read_it(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_a_vote_counts(client):
    before = sample(scrape(client), "encore_votes_total")
    track = TrackFactory()
    event = EventFactory(venue=VenueFactory(staff=[UserFactory()]), tracks=[track])
    services.cast_vote(event, track.pk, guest=services.guest_for(event))
    assert sample(scrape(client), "encore_votes_total") == before + 1


def test_an_item_stuck_in_processing_shows(client, settings):
    settings.MEDIA_STUCK_AFTER_MINUTES = 15
    assert sample(scrape(client), "encore_media_stuck_in_processing", kind="clip") == 0
    clip = ClipFactory(status=MediaStatus.PROCESSING)
    started = timezone.now() - timedelta(minutes=20)
    Clip.objects.filter(pk=clip.pk).update(created_at=started, processing_started_at=started)
    ClipFactory(status=MediaStatus.PROCESSING)  # started just now: still working
    assert sample(scrape(client), "encore_media_stuck_in_processing", kind="clip") == 1


def test_a_live_update_sent_and_one_that_failed_count_by_type(client, monkeypatch):
    from apps.core import realtime

    text = scrape(client)
    sent = sample(text, "encore_live_updates_sent_total", type="test.sent")
    failed = sample(text, "encore_live_updates_not_sent_total", type="test.failed")
    realtime.send_now("metrics-test", "test.sent", {})
    try:
        raise ConnectionError("Redis went away")
    except ConnectionError:
        realtime.send_failed("metrics-test", "test.failed")
    text = scrape(client)
    assert sample(text, "encore_live_updates_sent_total", type="test.sent") == sent + 1
    assert sample(text, "encore_live_updates_not_sent_total", type="test.failed") == failed + 1


def test_celery_tasks_are_timed_and_their_failures_counted(client):
    from config.celery import app

    @app.task(name="tests.metrics.boom")
    def boom() -> None:
        raise ValueError("boom")

    before = sample(scrape(client), "encore_celery_task_failures_total", task="tests.metrics.boom")
    boom.apply(throw=False)
    text = scrape(client)
    assert sample(text, "encore_celery_task_failures_total", task="tests.metrics.boom") == before + 1
    assert sample(text, "encore_celery_task_duration_seconds_count", task="tests.metrics.boom") >= 1


def test_database_queries_are_counted_by_vendor(client):
    from django.db import connection

    before = sample(scrape(client), "django_db_execute_total", alias="default", vendor=connection.vendor)
    UserFactory()
    assert (
        sample(scrape(client), "django_db_execute_total", alias="default", vendor=connection.vendor) > before
    )


def test_cache_gets_and_hits_are_counted(client, settings):
    from django.core.cache import caches
    from django_prometheus.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    backend = "locmem" if isinstance(cache, LocMemCache) else "redis"
    before = scrape(client)
    cache.set("metrics-test", 1)
    cache.get("metrics-test")
    cache.get("metrics-test-missing")
    after = scrape(client)
    assert (
        sample(after, "django_cache_get_total", backend=backend)
        == sample(before, "django_cache_get_total", backend=backend) + 2
    )
    assert sample(after, "django_cache_get_hits_total", backend=backend) >= 1


def test_building_a_queue_snapshot_is_timed(client):
    from apps.venues import events

    event = EventFactory(tracks=[TrackFactory()])
    before = sample(scrape(client), "encore_queue_snapshot_seconds_count")
    events.snapshot(event.pk)
    assert sample(scrape(client), "encore_queue_snapshot_seconds_count") == before + 1


class WorkerProcess:
    """`celery worker` as the Procfile runs it: prefork children, values in PROMETHEUS_MULTIPROC_DIR."""

    def __init__(self, files: Path) -> None:
        files.mkdir(parents=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PROMETHEUS_MULTIPROC_DIR": str(files),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork"]
            + ["--concurrency", "2", "--loglevel", "WARNING", "--without-heartbeat", "--without-mingle"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.mark.slow
@pytest.mark.redis
def test_tasks_run_by_a_worker_process_show_in_the_web_scrape(client, settings, tmp_path):
    from config.celery import app

    settings.METRICS_DIR = str(tmp_path / "metrics")
    worker = WorkerProcess(tmp_path / "metrics" / "worker")
    try:
        # Celery's own task, so the worker needs no database: it returns its arguments, or
        # raises IndexError for an index past them.
        for _ in range(3):
            app.send_task("celery.accumulate", args=(1, 2))
        app.send_task("celery.accumulate", args=(1, 2), kwargs={"index": 5})

        def counted() -> tuple[float, float]:
            text = scrape(client)
            return (
                sample(text, "encore_celery_task_duration_seconds_count", task="celery.accumulate"),
                sample(text, "encore_celery_task_failures_total", task="celery.accumulate"),
            )

        assert wait_for(lambda: counted() == (4, 1), seconds=60), counted()
        text = scrape(client)
        assert sample(text, "encore_celery_task_duration_seconds_sum", task="celery.accumulate") > 0
        assert (
            sample(text, "encore_celery_task_duration_seconds_bucket", le="+Inf", task="celery.accumulate")
            == 4
        )
    finally:
        worker.stop()


def test_a_dead_process_sockets_leave_the_count_and_its_counters_stay(client, settings, tmp_path):
    settings.METRICS_DIR = str(tmp_path / "metrics")
    code = (
        "import sys; from apps.core.metrics import OPEN_SOCKETS, LIVE_UPDATES_SENT; "
        "OPEN_SOCKETS.labels(kind='map').inc(); LIVE_UPDATES_SENT.labels(type='test.files').inc(); "
        "print('ready', flush=True); sys.stdin.read()"
    )

    def ws_process(name: str) -> subprocess.Popen:
        files = tmp_path / "metrics" / name
        files.mkdir(parents=True)
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(files)},
            cwd=settings.BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout.readline().strip() == "ready"
        return process

    first, second = ws_process("ws"), ws_process("web")
    try:
        text = scrape(client)
        assert sample(text, "encore_open_sockets", kind="map") == 2
        assert sample(text, "encore_live_updates_sent_total", type="test.files") == 2
        first.communicate("", timeout=10)
        text = scrape(client)
        assert sample(text, "encore_open_sockets", kind="map") == 1
        assert sample(text, "encore_live_updates_sent_total", type="test.files") == 2
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.communicate("", timeout=10)
