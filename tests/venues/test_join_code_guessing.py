"""Typed join codes cannot be guessed: an address that typed too many codes no screen shows is
refused, right code or not, until the limit lets it try again; other addresses, and codes
that are right, are not held back."""

import pytest
from django.utils import timezone

from apps.venues import services
from apps.venues.models import EventStatus
from tests.factories import EventFactory, TrackFactory, VenueFactory

pytestmark = pytest.mark.django_db

LIMIT = 5
GUESSER = {"REMOTE_ADDR": "203.0.113.9"}
SOMEONE_ELSE = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def limit(settings):
    settings.EVENT_JOIN_CODE_MISSES_PER_NETWORK = LIMIT


@pytest.fixture
def event():
    event = EventFactory(venue=VenueFactory(), tracks=[TrackFactory()], status=EventStatus.ACTIVE)
    event.opened_at = timezone.now()
    event.save()
    return event


def wrong_code(event) -> str:  # noqa: ANN001
    right = services.join_code(event)
    return "".join("b" if c == "a" else "a" for c in right)


def test_too_many_wrong_codes_from_one_address_are_refused_even_the_right_one(client, event):
    for _ in range(LIMIT):
        assert client.get(f"/j/{wrong_code(event)}", **GUESSER).status_code == 404

    refused = client.get(f"/j/{services.join_code(event)}", **GUESSER)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many codes" in refused.content.decode()
    assert client.get(f"/j/{services.join_code(event)}", **SOMEONE_ELSE).status_code == 302


def test_right_codes_do_not_count_against_an_address(client, event):
    for _ in range(LIMIT * 3):
        assert client.get(f"/j/{services.join_code(event)}", **GUESSER).status_code == 302
    assert client.get(f"/j/{wrong_code(event)}", **GUESSER).status_code == 404
