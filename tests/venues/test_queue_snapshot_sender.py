"""Queue snapshots are sent by one thread per process: at once after a quiet spell, else
once when the window closes, and tried once more if a send fails."""

import itertools
import threading
import time

import pytest

from apps.core.realtime import current_seq
from apps.venues import events

# The thread checks its database connection between sends, as a request would.
pytestmark = pytest.mark.django_db

WINDOW = 0.3
_event_ids = itertools.count(900_000)


@pytest.fixture
def sends(settings, monkeypatch):
    settings.EVENT_QUEUE_COALESCE_SECONDS = WINDOW
    record = {"calls": [], "fail_first": False, "arrived": threading.Semaphore(0)}

    def send_queue(event_id: int) -> None:
        record["calls"].append((event_id, time.monotonic(), threading.current_thread().name))
        record["arrived"].release()
        if record["fail_first"] and len(record["calls"]) == 1:
            raise RuntimeError("Redis went away")

    monkeypatch.setattr(events, "send_queue", send_queue)
    # As with Redis, whatever layer this run has.
    monkeypatch.setattr(events, "layer_in_process", lambda: False)
    return record


def wait_for(record: dict, count: int, timeout: float = 3) -> None:
    for _ in range(count):
        assert record["arrived"].acquire(timeout=timeout), f"only {len(record['calls'])} sends arrived"


def test_the_first_change_after_a_quiet_spell_is_sent_at_once_off_the_request_thread(sends):
    event_id = next(_event_ids)
    asked_at = time.monotonic()
    events._request_snapshot(event_id)
    wait_for(sends, 1)
    [(sent_for, sent_at, thread)] = sends["calls"]
    assert sent_for == event_id
    assert sent_at - asked_at < WINDOW / 2
    assert thread == "encore-queue-snapshots"


def test_changes_within_a_window_go_out_in_one_more_send_when_it_closes(sends):
    event_id = next(_event_ids)
    for _ in range(5):
        events._request_snapshot(event_id)
    wait_for(sends, 2)
    time.sleep(WINDOW)
    assert len(sends["calls"]) == 2
    (_, first, _), (_, second, _) = sends["calls"]
    assert second - first >= WINDOW * 0.9


def test_a_failed_send_is_tried_once_more_a_window_later(sends):
    sends["fail_first"] = True
    event_id = next(_event_ids)
    events._request_snapshot(event_id)
    wait_for(sends, 2)
    (_, failed, _), (_, retried, _) = sends["calls"]
    assert retried - failed >= WINDOW * 0.9


def test_the_thread_survives_a_failure_between_sends(sends, monkeypatch):
    broken = {"times": 1}

    def close_old_connections() -> None:
        if broken["times"]:
            broken["times"] -= 1
            raise RuntimeError("the database went away")

    monkeypatch.setattr(events, "close_old_connections", close_old_connections)
    events._request_snapshot(next(_event_ids))
    wait_for(sends, 1)
    thread = events._snapshots.get().thread
    time.sleep(WINDOW)
    events._request_snapshot(next(_event_ids))
    wait_for(sends, 1)
    assert len(sends["calls"]) == 2
    assert events._snapshots.get().thread is thread
    assert broken["times"] == 0


def test_with_the_in_process_layer_the_first_snapshot_goes_out_from_the_request(sends, monkeypatch):
    # The embedded default's layer belongs to the sockets' event loop, which the request
    # thread reaches and the sender thread does not.
    monkeypatch.setattr(events, "layer_in_process", lambda: True)
    events._request_snapshot(next(_event_ids))
    [(_, _, thread)] = sends["calls"]
    assert thread == threading.current_thread().name


@pytest.mark.redis
def test_with_redis_a_change_asks_for_its_snapshot_in_one_round_trip(sends, monkeypatch):
    from redis.connection import AbstractConnection

    event_id = next(_event_ids)
    events._request_snapshot(event_id)  # sent at once: the window is now busy
    wait_for(sends, 1)
    trips = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):  # noqa: ANN001, ANN202
        trips.append(command)
        return send(self, command, check_health)

    seq = current_seq(events.event_group(event_id))
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    # The first change since: a send when the window closes; then one is already due. Each
    # also reads the event's last update number, which the vote's answer carries.
    assert events._request_snapshot(event_id) == seq
    assert events._request_snapshot(event_id) == seq
    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
    assert len(trips) == 2
    wait_for(sends, 1)
    assert len(sends["calls"]) == 2
