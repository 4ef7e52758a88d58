"""A tip's performance is an integer id in JSON, as the schema says: a string, a fraction, a
boolean or a list is refused with a 400 naming performance."""

from __future__ import annotations

import pytest

from apps.performances import services
from apps.tips.api.serializers import TipCreateSerializer
from apps.tips.models import Tip
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import route

pytestmark = pytest.mark.django_db

TIPS = "/api/v1/tips/"


@pytest.fixture
def performance():
    artist = ArtistProfileFactory(slug="alice-strings")
    return services.create_performance(artist, actor=artist.user, title="Set", stops=route(60))


@pytest.mark.parametrize("as_sent", [str, float, lambda pk: [pk], lambda pk: True, lambda pk: f"{pk}.0"])
def test_a_performance_that_is_not_an_integer_is_refused_naming_performance(client, performance, as_sent):
    body = {"artist": "alice-strings", "amount": 500, "performance": as_sent(performance.pk)}
    response = client.post(TIPS, body, content_type="application/json", headers={"Idempotency-Key": "k" * 20})
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["performance"]
    assert not Tip.objects.exists()


def test_a_performance_given_as_an_integer_is_accepted(performance):
    data = TipCreateSerializer(data={"artist": "alice-strings", "amount": 500, "performance": performance.pk})
    assert data.is_valid(), data.errors
    assert data.validated_data["performance"] == performance
