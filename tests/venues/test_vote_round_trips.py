"""A vote from an app, committed as in production, makes four round trips to Redis: its
session, the API's limit, the network's cap, and the snapshot it asks for (which also reads
the event's last update number that its answer carries)."""

from __future__ import annotations

import time

import pytest
from redis.connection import AbstractConnection

from apps.core.realtime import current_seq
from apps.venues.events import event_group
from tests.venues.test_votes_from_apps import fan_at, night

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_vote_from_an_app_makes_four_round_trips_to_redis(monkeypatch, settings):
    settings.EVENT_QUEUE_COALESCE_SECONDS = 30  # the window stays busy: no sends meanwhile
    event, (first, second), _ = night()
    fan = fan_at(event)
    path = f"/api/v1/events/{event.pk}/votes/"
    before = current_seq(event_group(event.pk))
    assert fan.post(path, {"track": first.pk}, content_type="application/json").status_code == 201
    # Its snapshot goes out at once (from another thread with Redis's layer): let it.
    deadline = time.monotonic() + 5
    while (seq := current_seq(event_group(event.pk))) == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seq == before + 1
    trips = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):  # noqa: ANN001, ANN202
        trips.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    answer = fan.post(path, {"track": second.pk}, content_type="application/json")
    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)

    assert answer.status_code == 201
    assert answer.json()["seq"] == seq
    assert len(trips) == 4, trips
