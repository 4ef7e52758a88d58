"""Nearby's anonymous answer is built for shared caches: it carries an ETag and
`Cache-Control: public` for as long as the tile cache keeps it, a conditional request gets a
304, every point of a ~100 m tile gets the same answer, and it says the same as the answer
signed-in callers get (which stays private). Throttles and errors are unchanged."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client

from apps.performances import services
from tests.factories import PASSWORD, ArtistProfileFactory, UserFactory
from tests.performances.helpers import route

pytestmark = pytest.mark.django_db

URL = "/api/v1/performances/nearby/"
LISBON = {"lat": "38.7139", "lng": "-9.1394", "radius_km": "2", "when": "today"}


@pytest.fixture(autouse=True)
def early_afternoon():
    # "today" ends at midnight: shows an hour away stay today whenever the suite runs.
    with time_machine.travel("2026-06-06 13:00:00+01:00", tick=True):
        yield


@pytest.fixture
def shows():
    for minutes in (-10, 60):
        artist = ArtistProfileFactory()
        services.create_performance(artist, actor=artist.user, title=f"Set {minutes}", stops=route(minutes))


@pytest.fixture
def anonymous() -> Client:
    return Client()


def session_token_for(user) -> str:  # noqa: ANN001
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def test_an_anonymous_answer_is_public_for_as_long_as_the_tile_cache_keeps_it(anonymous, shows, settings):
    settings.NEARBY_CACHE_SECONDS = 45

    response = anonymous.get(URL, LISBON)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=45"
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Content-Type"] == "application/json"
    assert len(response.json()["results"]) == 2


def test_a_conditional_request_for_an_unchanged_answer_gets_a_304(anonymous, shows):
    etag = anonymous.get(URL, LISBON)["ETag"]

    again = anonymous.get(URL, LISBON, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"].startswith("public")


def test_a_change_nearby_gives_a_new_etag_and_a_full_answer(
    anonymous, shows, django_capture_on_commit_callbacks
):
    etag = anonymous.get(URL, LISBON)["ETag"]
    artist = ArtistProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.create_performance(artist, actor=artist.user, title="Newcomer", stops=route(30))

    again = anonymous.get(URL, LISBON, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 200
    assert again["ETag"] != etag
    assert "Newcomer" in {result["title"] for result in again.json()["results"]}


def test_every_point_of_a_tile_gets_the_same_answer(anonymous, shows):
    here = anonymous.get(URL, LISBON)
    a_few_metres_away = anonymous.get(URL, {**LISBON, "lat": "38.71385", "lng": "-9.13945"})

    assert a_few_metres_away.content == here.content
    assert a_few_metres_away["ETag"] == here["ETag"]


def test_a_signed_in_caller_gets_the_same_answer_kept_private(anonymous, shows):
    user = UserFactory()
    public = anonymous.get(URL, LISBON)
    signed_in = Client()
    signed_in.force_login(user)
    by_token = Client(HTTP_X_SESSION_TOKEN=session_token_for(user))

    for who, caller in (("session", signed_in), ("token", by_token)):
        answer = caller.get(URL, LISBON)
        assert answer.status_code == 200, who
        assert json.loads(answer.content) == json.loads(public.content)
        assert answer.get("Cache-Control") == "private, no-store", who


def test_an_anonymous_answer_keeps_the_headers_every_api_answer_has(anonymous, shows):
    response = anonymous.get(URL, LISBON)

    assert response["X-Request-ID"]
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_bad_parameters_are_refused_as_before_and_are_not_cached(anonymous):
    response = anonymous.get(URL, {**LISBON, "lat": "north"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"lat"}
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response


def test_the_anonymous_limit_still_applies_and_counts_each_request_once(anonymous, shows, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "600/min"},
    }

    statuses = [anonymous.get(URL, LISBON).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = anonymous.get(URL, LISBON)
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_a_bad_request_counts_once_against_the_limit_too(anonymous, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "600/min"},
    }

    statuses = [anonymous.get(URL, {**LISBON, "lat": "north"}).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]


def test_head_answers_the_headers_without_the_body(anonymous, shows):
    response = anonymous.head(URL, LISBON)

    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == anonymous.get(URL, LISBON)["ETag"]
