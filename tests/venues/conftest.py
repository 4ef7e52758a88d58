"""A running event at a venue with its own staff member, and the event's pool."""

import pytest

from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory


@pytest.fixture
def staff():
    return UserFactory()


@pytest.fixture
def event(staff):
    return EventFactory(venue=VenueFactory(staff=[staff]), tracks=[TrackFactory() for _ in range(4)])


@pytest.fixture
def tracks(event):
    return list(event.pool_tracks.order_by("id"))
