"""`GET /api/v1/tips/?mine=true` lists the tips a person gave, `mine=false` (or none) what
their artist profile received; any other value is refused with the parameter named, as the
schema's boolean says."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.tips.models import Tip, TipStatus
from tests.factories import ArtistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tip(artist, payer, key: str) -> Tip:  # noqa: ANN001
    return Tip.objects.create(
        artist=artist,
        payer=payer,
        payer_key=key,
        idempotency_key=key,
        amount=500,
        currency="eur",
        status=TipStatus.SUCCEEDED,
    )


@pytest.fixture
def artist_who_also_tips():  # noqa: ANN201
    artist = ArtistProfileFactory()
    other = ArtistProfileFactory()
    given = _tip(other, artist.user, "given")
    received = _tip(artist, UserFactory(), "received")
    client = APIClient()
    client.force_authenticate(artist.user)
    return client, given, received


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_mine_true_lists_the_tips_given(artist_who_also_tips, value):
    client, given, _ = artist_who_also_tips
    response = client.get(f"/api/v1/tips/?mine={value}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(given.public_id)]


@pytest.mark.parametrize("query", ["?mine=false", "?mine=0", ""])
def test_mine_false_or_absent_lists_the_tips_received(artist_who_also_tips, query):
    client, _, received = artist_who_also_tips
    response = client.get(f"/api/v1/tips/{query}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(received.public_id)]


@pytest.mark.parametrize("value", ["0.0494", "", "yes", "[]"])
def test_a_value_that_is_not_a_boolean_is_refused_naming_mine(artist_who_also_tips, value):
    client, _, _ = artist_who_also_tips
    response = client.get(f"/api/v1/tips/?mine={value}")
    assert response.status_code == 400
    assert "mine" in response.json()["errors"]
