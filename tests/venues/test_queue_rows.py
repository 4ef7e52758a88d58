"""The queue every client shows is read by hand-written statements; they must list what the
querysets list, in the querysets' order, with the same values."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.venues import events
from apps.venues.models import EntryStatus, QueueEntry
from tests.factories import EventFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_night():
    event = EventFactory()
    now = timezone.now()
    # Ties on votes ordered by when they got there and then by id; played and skipped ones,
    # one without a finish time; a vetoed and a removed one that no list shows.
    shapes = [
        (EntryStatus.QUEUED, 3, now - timedelta(minutes=5), None),
        (EntryStatus.QUEUED, 3, now - timedelta(minutes=9), None),
        (EntryStatus.QUEUED, 3, now - timedelta(minutes=9), None),
        (EntryStatus.QUEUED, 7, now, None),
        (EntryStatus.QUEUED, 1, now - timedelta(minutes=1), None),
        (EntryStatus.PLAYING, 4, now, None),
        (EntryStatus.PLAYED, 2, now, now - timedelta(minutes=20)),
        (EntryStatus.SKIPPED, 2, now, now - timedelta(minutes=3)),
        (EntryStatus.PLAYED, 2, now, None),
        (EntryStatus.PLAYED, 5, now, now - timedelta(minutes=3)),
        (EntryStatus.VETOED, 9, now, None),
        (EntryStatus.REMOVED, 9, now, None),
    ]
    for status, votes, reached_at, finished_at in shapes:
        QueueEntry.objects.create(
            event=event,
            track=TrackFactory(),
            status=status,
            votes=votes,
            reached_at=reached_at,
            finished_at=finished_at,
            started_at=now - timedelta(minutes=2) if status == EntryStatus.PLAYING else None,
        )
    return event


@pytest.mark.parametrize("part", ["queued", "playing", "history"])
def test_each_part_lists_what_its_queryset_lists_in_its_order(busy_night, part):
    entries = QueueEntry.objects.filter(event=busy_night)
    expected = list(getattr(entries, part)().values("id", "votes", "status", "started_at", "track__title"))

    rows = QueueEntry.objects.entry_rows(busy_night.pk, part, 50)

    assert [
        {name: row[name] for name in ("id", "votes", "status", "started_at", "track__title")} for row in rows
    ] == expected
    assert rows


def test_each_part_keeps_to_its_limit(busy_night):
    ids = list(QueueEntry.objects.filter(event=busy_night).queued().values_list("id", flat=True))

    assert [row["id"] for row in QueueEntry.objects.entry_rows(busy_night.pk, "queued", 2)] == ids[:2]


def test_the_playing_entry_carries_its_start_and_where_the_player_loads_it(busy_night):
    state = events.queue_state(busy_night.pk)
    playing = QueueEntry.objects.get(event=busy_night, status=EntryStatus.PLAYING)

    assert state["now_playing"]["id"] == playing.pk
    assert state["now_playing"]["started_at"] == playing.started_at.isoformat()
    assert state["now_playing"]["track"]["stream_url"] == playing.track.web_file.url
    assert state["event"] == {"id": busy_night.pk, "status": "active"}


@pytest.mark.parametrize(
    "limits", [{"playing": 1, "queued": 50, "history": 5}, {"playing": 1, "queued": 2, "history": 1}]
)
def test_the_whole_queue_in_one_statement_is_each_part_read_on_its_own(busy_night, limits):
    entries = QueueEntry.objects

    with CaptureQueriesContext(connection) as captured:
        status, parts = entries.whole_queue(busy_night.pk, limits)

    assert len(captured) == 1
    assert status == "active"
    assert parts == {part: entries.entry_rows(busy_night.pk, part, limit) for part, limit in limits.items()}


def test_an_event_with_no_entries_has_its_status_and_empty_parts():
    event = EventFactory()

    status, parts = QueueEntry.objects.whole_queue(event.pk, {"playing": 1, "queued": 50, "history": 5})

    assert (status, parts) == ("active", {"playing": [], "queued": [], "history": []})


def test_no_such_event_has_no_status():
    status, parts = QueueEntry.objects.whole_queue(2**40, {"playing": 1, "queued": 50, "history": 5})

    assert (status, parts) == (None, {"playing": [], "queued": [], "history": []})
