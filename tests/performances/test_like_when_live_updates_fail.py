"""A like that is stored answers as stored, even when its live update cannot be sent."""

from __future__ import annotations

import socket

import pytest
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from channels_redis.pubsub import RedisPubSubChannelLayer
from rest_framework.test import APIClient

from apps.performances.models import Like
from tests.core import channel_layer_faults
from tests.factories import UserFactory
from tests.performances.helpers import plan

refuse_sends = channel_layer_faults.refuse_sends

# On commit for real: the live update goes out inside the request, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stored_like_answers_200_when_the_channel_layer_refuses(artist, refuse_sends):
    performance = plan(artist, 0)
    fan = UserFactory()
    client = APIClient()
    client.raise_request_exception = False  # a failure answers as it would in production
    client.force_authenticate(fan)
    attempts = refuse_sends()

    response = client.put(f"/api/v1/performances/{performance.pk}/like/")

    assert response.status_code == 200, response.content
    assert response.json() == {"liked": True, "like_count": 1}
    assert Like.objects.filter(user=fan, performance=performance).exists()
    assert attempts, "the live update was tried"


def test_an_unlike_answers_200_when_the_channel_layer_refuses(artist, refuse_sends):
    performance = plan(artist, 0)
    fan = UserFactory()
    client = APIClient()
    client.raise_request_exception = False  # a failure answers as it would in production
    client.force_authenticate(fan)
    client.put(f"/api/v1/performances/{performance.pk}/like/")
    refuse_sends()

    response = client.delete(f"/api/v1/performances/{performance.pk}/like/")

    assert response.status_code == 200, response.content
    assert not Like.objects.filter(user=fan, performance=performance).exists()


@pytest.fixture
def unreachable_redis_layer():  # noqa: ANN201
    """The production channel layer, pointed at a port where no Redis listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    layer = RedisPubSubChannelLayer(hosts=[{"address": f"redis://127.0.0.1:{port}/0"}])
    previous = channel_layers.set(DEFAULT_CHANNEL_LAYER, layer)
    yield layer
    channel_layers.set(DEFAULT_CHANNEL_LAYER, previous)


def test_a_stored_like_answers_200_when_redis_cannot_be_reached(artist, unreachable_redis_layer, caplog):
    performance = plan(artist, 0)
    fan = UserFactory()
    client = APIClient()
    client.raise_request_exception = False
    client.force_authenticate(fan)

    response = client.put(f"/api/v1/performances/{performance.pk}/like/")

    assert response.status_code == 200, response.content
    assert Like.objects.filter(user=fan, performance=performance).exists()
    failures = [r.msg for r in caplog.records if r.name == "apps.core.realtime"]
    liked = [f["event"] for f in failures if f["event_type"] == "performance.liked"]
    assert liked == ["live_update_not_sent"]
