"""An app's vote (session token) is answered without DRF; the answers stay DRF's, word for word.

The same night is voted on twice by a fan from the app: once with the lean path turned off (DRF
answers), once with it on. Every answer must match, status, body and headers, and the lean path
must have answered the votes itself.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.venues import services
from apps.venues.api import views
from apps.venues.models import EventStatus, QueueEntry, Vote
from tests.factories import EventFactory, TrackFactory, UserFactory
from tests.lean_paths import HEADERS, watch
from tests.performances.test_nearby_for_shared_caches import session_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_here(monkeypatch):
    return watch(monkeypatch, views, "vote_from_app")


def night(**options):  # noqa: ANN003, ANN201
    tracks = [TrackFactory(), TrackFactory()]
    event = EventFactory(tracks=tracks, **options)
    return event, tracks, TrackFactory()  # the last is in no pool


def fan_at(event) -> Client:  # noqa: ANN001
    fan = UserFactory()
    services.guest_for(event, user=fan)  # scanned the QR code earlier in the night
    return Client(HTTP_X_SESSION_TOKEN=session_token_for(fan))


def answers(client: Client, event, bodies: list) -> list[tuple]:  # noqa: ANN001
    said = []
    for body in bodies:
        response = client.post(f"/api/v1/events/{event.pk}/votes/", body, content_type="application/json")
        data = json.loads(response.content)
        if "entry" in data:
            data["entry"]["id"] = data["entry"]["track"] = "the entry"
        if "seq" in data:
            data["seq"] = "a number"
        headers = {name: response.get(name) for name in HEADERS}
        said.append((response.status_code, data, headers))
    return said


def the_night(**options) -> list[tuple]:  # noqa: ANN003
    event, (first, second), elsewhere = night(**options)
    fan = fan_at(event)
    return answers(
        fan,
        event,
        [
            {"track": first.pk},  # a request
            {"track": first.pk},  # again: already voted
            {"track": second.pk},  # too soon
            {"track": elsewhere.pk},  # not in the pool
        ],
    )


def test_an_apps_votes_and_refusals_are_answered_as_drf_answers_them(answered_here):
    answered_here.lean_path_on = False
    by_drf = the_night(vote_cooldown_seconds=20)
    answered_here.lean_path_on = True

    lean = the_night(vote_cooldown_seconds=20)

    assert answered_here == [False] * 4 + [True] * 4
    assert [status for status, _, _ in lean] == [201, 409, 429, 400]
    assert lean == by_drf


def test_a_fan_signed_in_on_the_web_is_answered_by_drf(answered_here):
    event, (track, _), _ = night()
    fan = UserFactory()
    services.guest_for(event, user=fan)
    web = Client()
    web.force_login(fan)

    response = web.post(
        f"/api/v1/events/{event.pk}/votes/", {"track": track.pk}, content_type="application/json"
    )

    assert response.status_code == 201
    assert answered_here == [False]


def test_a_vote_counts_once_and_says_its_count(answered_here):
    event, (track, _), _ = night()
    fans = [fan_at(event) for _ in range(3)]

    counts = [
        json.loads(
            fan.post(
                f"/api/v1/events/{event.pk}/votes/", {"track": track.pk}, content_type="application/json"
            ).content
        )["entry"]["votes"]
        for fan in fans
    ]

    assert counts == [1, 2, 3]
    assert answered_here == [True] * 3
    assert QueueEntry.objects.get(event=event, track=track).votes == 3
    assert Vote.objects.filter(event=event).count() == 3


@pytest.mark.parametrize(
    "case",
    [
        "draft event",
        "no such event",
        "a fan with no guest yet",
        "a bad token",
        "a track that is not a number",
    ],
)
def test_what_the_lean_path_does_not_take_drf_answers_as_before(case, answered_here):
    event, (track, _), _ = night(status=EventStatus.DRAFT if case == "draft event" else EventStatus.ACTIVE)
    fan = UserFactory()
    if case != "a fan with no guest yet":
        services.guest_for(event, user=fan)
    token = "not-a-session" if case == "a bad token" else session_token_for(fan)
    event_id = event.pk + 1000 if case == "no such event" else event.pk
    body = {"track": str(track.pk) if case == "a track that is not a number" else track.pk}

    response = Client(HTTP_X_SESSION_TOKEN=token).post(
        f"/api/v1/events/{event_id}/votes/", body, content_type="application/json"
    )

    assert answered_here == [False]
    expected = {
        "draft event": 404,
        "no such event": 404,
        "a fan with no guest yet": 201,  # their guest is made as they vote, as before
        "a bad token": 403,
        "a track that is not a number": 201,  # DRF takes "12" for 12, as before
    }[case]
    assert response.status_code == expected, response.content


def test_an_app_over_the_apis_limit_is_refused_and_counted_once(settings, answered_here):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "2/min"},
    }
    event, tracks, _ = night()
    fan = fan_at(event)

    statuses = [
        fan.post(f"/api/v1/events/{event.pk}/votes/", {"track": track.pk}, content_type="application/json")
        for track in [*tracks, tracks[0]]
    ]

    assert [response.status_code for response in statuses] == [201, 201, 429]
    assert statuses[2].json()["code"] == "throttled"
    assert 0 < int(statuses[2]["Retry-After"]) <= 60
    assert answered_here == [True, True, False]
    assert Vote.objects.filter(event=event).count() == 2
