"""Votes arriving at the same instant, on PostgreSQL: every vote counts once, a double tap once.

Each thread is a phone: its own API client and its own database connection, all released
together by a barrier so the requests really overlap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from apps.venues import services
from apps.venues.models import QueueEntry, Vote
from tests.concurrency import at_once
from tests.factories import EventFactory, TrackFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def voter(event, track, guest) -> Callable[[], int]:  # noqa: ANN001
    client = APIClient()
    client.credentials(HTTP_X_GUEST_TOKEN=services.guest_token(guest))

    def cast() -> int:
        response = client.post(f"/api/v1/events/{event.pk}/votes/", {"track": track.pk}, format="json")
        return response.status_code

    return cast


@pytest.fixture
def event_and_track():
    track = TrackFactory()
    return EventFactory(tracks=[track]), track


def test_fifty_guests_voting_for_one_track_at_once_give_it_fifty_votes(event_and_track):
    event, track = event_and_track
    guests = [services.guest_for(event) for _ in range(50)]
    statuses = at_once([voter(event, track, guest) for guest in guests])
    assert Counter(statuses) == {201: 50}
    entry = QueueEntry.objects.get(event=event)
    assert entry.votes == 50
    assert Vote.objects.filter(entry=entry).count() == 50
    assert set(Vote.objects.values_list("guest_id", flat=True)) == {g.pk for g in guests}


def test_one_guest_tapping_twenty_times_at_once_votes_once(event_and_track):
    event, track = event_and_track
    guest = services.guest_for(event)
    statuses = at_once([voter(event, track, guest) for _ in range(20)])
    assert Counter(statuses) == {201: 1, 409: 19}
    entry = QueueEntry.objects.get(event=event)
    assert entry.votes == 1
    assert Vote.objects.count() == 1
