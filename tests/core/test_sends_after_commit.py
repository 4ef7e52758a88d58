"""A live update that cannot be sent after commit is logged and counted; the write stands
and every other callback of the transaction still runs."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from apps.core import realtime
from apps.venues import events
from tests.core import channel_layer_faults

refuse_sends = channel_layer_faults.refuse_sends

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_send_after_commit_does_not_skip_the_callbacks_after_it(refuse_sends):
    attempts = refuse_sends()
    ran = []
    with transaction.atomic():
        realtime.broadcast("performance.1", "performance.liked", {"performance": {"id": 1}})
        transaction.on_commit(lambda: ran.append("next"))
    assert attempts == ["performance.1"]
    assert ran == ["next"]


def test_a_failed_send_after_commit_is_logged_with_its_group_and_type(refuse_sends, caplog):
    refuse_sends()
    with caplog.at_level(logging.ERROR, logger="apps.core.realtime"), transaction.atomic():
        realtime.broadcast(["map.1.2", "performance.7"], "performance.moved", {"performance": {"id": 7}})
    [record] = [r for r in caplog.records if r.name == "apps.core.realtime"]
    assert record.msg["event"] == "live_update_not_sent"
    assert record.msg["groups"] == ["map.1.2", "performance.7"]
    assert record.msg["event_type"] == "performance.moved"
    assert "ConnectionError: Connection refused" in record.msg["exception"]


def test_failed_sends_after_commit_are_counted_by_type(refuse_sends):
    refuse_sends()
    before = realtime.failed_sends()
    with transaction.atomic():
        realtime.broadcast("user.3", "notification.created", {})
        realtime.broadcast("user.3", "notifications.read", {})
        realtime.broadcast("user.4", "notification.created", {})
    after = realtime.failed_sends()
    assert after["notification.created"] - before.get("notification.created", 0) == 2
    assert after["notifications.read"] - before.get("notifications.read", 0) == 1


def test_a_send_that_works_after_one_that_failed_still_goes_out(monkeypatch):
    sent = []
    real_publish = realtime._publish

    def first_refused(groups: list[str], message: dict) -> None:
        if not sent:
            sent.append(None)
            raise ConnectionError("Connection refused")
        sent.extend(groups)
        real_publish(groups, message)

    monkeypatch.setattr(realtime, "_publish", first_refused)
    with transaction.atomic():
        realtime.broadcast("performance.1", "performance.liked", {})
        realtime.broadcast("performance.2", "performance.liked", {})
    assert sent == [None, "performance.2"]


def test_a_rolled_back_write_still_sends_nothing(refuse_sends):
    attempts = refuse_sends()
    with pytest.raises(RuntimeError), transaction.atomic():
        realtime.broadcast("performance.1", "performance.liked", {})
        raise RuntimeError("the write fails")
    assert attempts == []


def test_a_jukebox_queue_or_track_update_that_cannot_be_sent_does_not_skip_later_callbacks(refuse_sends):
    attempts = refuse_sends()
    ran = []
    with transaction.atomic():
        events.queue_changed(41)
        events.track_started(41)
        transaction.on_commit(lambda: ran.append("next"))
    assert attempts == ["event.41", "event.41"]
    assert ran == ["next"]


def test_readyz_reports_the_live_updates_this_process_could_not_send(refuse_sends, client):
    refuse_sends()
    before = client.get("/readyz").json()["live_updates_not_sent"].get("performance.liked", 0)
    with transaction.atomic():
        realtime.broadcast("performance.1", "performance.liked", {})
    response = client.get("/readyz")
    # A failed send is reported, not a reason to take the process out of service.
    assert response.status_code == 200
    assert response.json()["live_updates_not_sent"]["performance.liked"] == before + 1
