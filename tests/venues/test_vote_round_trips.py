"""A vote from an app, committed as in production, makes four round trips to Redis: its
session, the API's limit, the network's cap, and the snapshot it asks for (which also reads
the event's last update number that its answer carries)."""

from __future__ import annotations

import time

import pytest
from redis.connection import AbstractConnection

from apps.core.realtime import current_seq
from apps.venues import events
from tests.venues.test_votes_from_apps import fan_at, night

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_vote_from_an_app_makes_four_round_trips_to_redis(monkeypatch, settings):
    settings.EVENT_QUEUE_COALESCE_SECONDS = 30
    event, (track, _), _ = night()
    fan = fan_at(event)
    # A busy night: a snapshot went out a moment ago (and the script that decides is loaded),
    # so this vote's snapshot waits for the window's end, long after the test.
    events._coalesce(event.pk, time.time(), settings.EVENT_QUEUE_COALESCE_SECONDS)
    seq = current_seq(events.event_group(event.pk))
    trips = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):  # noqa: ANN001, ANN202
        trips.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    answer = fan.post(
        f"/api/v1/events/{event.pk}/votes/", {"track": track.pk}, content_type="application/json"
    )
    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)

    assert answer.status_code == 201
    assert answer.json()["seq"] == seq
    assert len(trips) == 4, trips
