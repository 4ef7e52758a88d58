"""While Redis is down the site keeps serving what does not need it, and refuses cleanly what does.

Pages, API reads and writes whose rules live in the database are served (the cache answers as
a miss, sessions come from the database, the API's fairness throttle lets requests through).
Sign-in, sign-out and votes, whose protections live in Redis, answer 503 with Retry-After:
JSON in the API's error shape naming "redis" for apps, a page for browsers. Never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.curation.models import Collection, CollectionItem, CollectionStatus
from apps.venues import services as venues
from apps.venues.models import EventStatus
from tests.factories import (
    PASSWORD,
    ArtistProfileFactory,
    EventFactory,
    PerformanceFactory,
    StopFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
)
from tests.outage import site_on_private_redis
from tests.private_servers import PrivateRedis

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LISBON = {"lat": "38.7139", "lng": "-9.1394"}


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with site_on_private_redis() as server:
        yield server


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    artist = ArtistProfileFactory(slug="ana-strings")
    performance = PerformanceFactory(artist=artist, status="live")
    StopFactory(performance=performance)  # in Lisbon, under way
    collection = Collection.objects.create(
        title="Night walk", slug="night-walk", intro="After dark.", status=CollectionStatus.PUBLISHED
    )
    CollectionItem.objects.create(collection=collection, position=1, performance=performance)
    event = EventFactory(venue=VenueFactory(), tracks=[TrackFactory() for _ in range(3)])
    return {"artist": artist, "performance": performance, "collection": collection, "event": event}


def _pages(world) -> list[str]:  # noqa: ANN001
    return [
        "/",
        "/map/",
        f"/artists/{world['artist'].slug}/",
        f"/performances/{world['performance'].pk}/",
        f"/collections/{world['collection'].slug}/",
    ]


def _browser() -> Client:
    # A refusal must be an answer, not an exception the test client would re-raise.
    return Client(raise_request_exception=False)


def _assert_unavailable_json(response) -> None:  # noqa: ANN001
    assert response.status_code == 503, response.content[:300]
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "unavailable" and body["unavailable"] == "redis"
    assert body["detail"]


def test_anonymous_pages_are_served_while_redis_is_down(redis_server, world):
    redis_server.stop()
    client = _browser()
    for path in _pages(world):
        assert client.get(path).status_code == 200, path


def test_anonymous_api_reads_are_served_while_redis_is_down(redis_server, world):
    redis_server.stop()
    api = APIClient(raise_request_exception=False)
    nearby = api.get("/api/v1/performances/nearby/", LISBON)
    assert nearby.status_code == 200, nearby.content[:300]
    assert [item["id"] for item in nearby.json()["results"]] == [world["performance"].pk]
    assert api.get("/api/v1/artists/").status_code == 200
    assert api.get(f"/api/v1/performances/{world['performance'].pk}/").status_code == 200


def test_a_signed_in_fan_is_still_served_from_the_database_session(redis_server, world):
    fan = UserFactory()
    client = _browser()
    client.force_login(fan)  # the session is in Redis and the database
    redis_server.stop()

    for path in [*_pages(world), "/me/settings/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/me/settings/").context["user"] == fan


def test_a_write_whose_rules_live_in_the_database_is_served(redis_server, world):
    fan = UserFactory()
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(fan)
    redis_server.stop()

    response = api.put(f"/api/v1/performances/{world['performance'].pk}/like/")

    assert response.status_code in (200, 201), response.content[:300]
    assert world["performance"].likes.filter(user=fan).exists()


def test_a_vote_through_the_api_is_503_naming_redis_and_stores_nothing(redis_server, world):
    event = world["event"]
    track = event.pool_tracks.first()
    api = APIClient(raise_request_exception=False)
    token = api.post(f"/api/v1/events/{event.pk}/guest/", {"token": venues.qr_token(event)}, format="json")
    api.credentials(HTTP_X_GUEST_TOKEN=token.json()["guest_token"])
    redis_server.stop()

    response = api.post(f"/api/v1/events/{event.pk}/votes/", {"track": track.pk}, format="json")

    _assert_unavailable_json(response)
    assert "Voting" in response.json()["detail"]
    assert not event.entries.exists()


def test_an_app_sign_in_is_503_naming_redis(redis_server, world):
    UserFactory(email="fan@example.com")
    redis_server.stop()
    response = _browser().post(
        "/_allauth/app/v1/auth/login",
        {"email": "fan@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    _assert_unavailable_json(response)


def test_a_web_sign_in_is_a_503_page_with_retry_after(redis_server, world):
    UserFactory(email="fan@example.com")
    redis_server.stop()
    response = _browser().post("/accounts/login/", {"login": "fan@example.com", "password": PASSWORD})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert b"Signing in is paused" in response.content


def test_a_typed_join_code_is_a_503_page_while_its_guessing_limit_is_away(redis_server, world):
    redis_server.stop()
    response = _browser().get("/j/abcdef")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")

    event = world["event"]
    event.status, event.opened_at = EventStatus.ACTIVE, timezone.now()
    event.save()
    scanned = _browser().get(f"/events/{event.pk}/join/?token={venues.qr_token(event)}", follow=True)
    assert scanned.status_code == 200, "scanning the screen's QR code still joins"


def test_signing_out_waits_for_redis_so_the_session_cannot_come_back(redis_server, world):
    fan = UserFactory()
    client = _browser()
    client.force_login(fan)
    redis_server.stop()

    response = client.post("/accounts/logout/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_health_stays_up_and_readiness_names_redis(redis_server, world):
    redis_server.stop()
    client = _browser()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert {"cache", "channel_layer"} <= set(body["down"])
    assert body["checks"]["cache"].startswith("down: redis unreachable")
    assert body["checks"]["channel_layer"].startswith("down: redis unreachable")


def test_everything_is_served_again_once_redis_is_back(redis_server, world):
    redis_server.stop()
    redis_server.start()
    UserFactory(email="fan@example.com")
    client = _browser()
    for path in _pages(world):
        assert client.get(path).status_code == 200, path
    response = client.post("/accounts/login/", {"login": "fan@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/readyz").status_code == 200


def test_the_sign_in_form_still_loads_while_redis_is_down(redis_server, world):
    redis_server.stop()
    assert _browser().get("/accounts/login/").status_code == 200
