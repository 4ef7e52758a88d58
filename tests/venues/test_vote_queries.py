"""A vote holds its event's lock for at most five statements, whether it requests a track or
adds to one already queued: every vote of a busy night waits behind that lock."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.venues import services
from apps.venues.models import QueueEntry, Vote
from tests.factories import EventFactory, TrackFactory

pytestmark = pytest.mark.django_db

MOST_UNDER_THE_LOCK = 5


def statements_under_the_lock(vote) -> list[str]:  # noqa: ANN001
    """What the vote runs inside its transaction (from taking the event's lock to the end)."""
    with CaptureQueriesContext(connection) as captured:
        vote()
    sql = [query["sql"] for query in captured.captured_queries]
    opened = next(i for i, statement in enumerate(sql) if statement.startswith("SAVEPOINT"))
    return [statement for statement in sql[opened:] if "SAVEPOINT" not in statement]


@pytest.fixture
def night():
    tracks = [TrackFactory() for _ in range(2)]
    return EventFactory(tracks=tracks), tracks


def test_requesting_a_track_takes_at_most_five_statements_under_the_lock(night):
    event, tracks = night
    guest = services.guest_for(event)

    under = statements_under_the_lock(lambda: services.cast_vote(event, tracks[0].pk, guest=guest))

    assert len(under) <= MOST_UNDER_THE_LOCK, under
    assert QueueEntry.objects.get(event=event, track=tracks[0]).votes == 1


def test_voting_for_a_queued_track_takes_at_most_five_statements_under_the_lock(night):
    event, tracks = night
    services.cast_vote(event, tracks[0].pk, guest=services.guest_for(event))
    guest = services.guest_for(event)

    under = statements_under_the_lock(lambda: services.cast_vote(event, tracks[0].pk, guest=guest))

    assert len(under) <= MOST_UNDER_THE_LOCK, under
    assert QueueEntry.objects.get(event=event, track=tracks[0]).votes == 2
    assert Vote.objects.filter(entry__event=event).count() == 2
