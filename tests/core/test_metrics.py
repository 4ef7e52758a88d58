"""Operators read Prometheus metrics at /metrics: requests and Encore's own counters, from
the addresses METRICS_ALLOWED_ADDRESSES lists or with METRICS_TOKEN; anyone else gets 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.media.models import Clip, MediaStatus
from apps.venues import services
from tests.factories import ClipFactory, EventFactory, TrackFactory, UserFactory, VenueFactory

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
