"""A performer's phone sends its position with a session token; it is answered without DRF, and
the answers stay DRF's, word for word (status, body, headers)."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client

from apps.performances import services
from apps.performances.api import views
from apps.performances.models import Performance
from tests.factories import ArtistProfileFactory
from tests.lean_paths import HEADERS, watch
from tests.performances.helpers import plan
from tests.performances.test_nearby_for_shared_caches import session_token_for

pytestmark = pytest.mark.django_db

NOON = "2026-06-06 13:00:00+01:00"


@pytest.fixture
def answered_here(monkeypatch):
    return watch(monkeypatch, views, "position_from_app")


def performer_live():  # noqa: ANN201
    artist = ArtistProfileFactory()
    performance = services.go_live(plan(artist, -5, 60), actor=artist.user)
    return performance, Client(HTTP_X_SESSION_TOKEN=session_token_for(artist.user))


def send(phone: Client, performance_id: int, body: object) -> tuple:
    url = f"/api/v1/performances/{performance_id}/position/"
    response = phone.post(url, body, content_type="application/json")
    return response.status_code, json.loads(response.content), {name: response.get(name) for name in HEADERS}


def a_walk() -> list[tuple]:
    with time_machine.travel(NOON, tick=False) as clock:
        performance, phone = performer_live()
        said = [send(phone, performance.pk, {"lat": 38.7139, "lng": -9.1394})]
        clock.shift(1)
        said.append(send(phone, performance.pk, {"lat": 38.7140, "lng": -9.1395}))  # too soon
        clock.shift(10)
        said.append(send(phone, performance.pk, {"lat": 38.7141, "lng": -9.1396}))
        services.end_performance(Performance.objects.get(pk=performance.pk), actor=performance.artist.user)
        clock.shift(10)
        said.append(send(phone, performance.pk, {"lat": 38.7142, "lng": -9.1397}))  # ended
    return said


def test_a_walk_is_answered_as_drf_answers_it(answered_here):
    answered_here.lean_path_on = False
    by_drf = a_walk()
    answered_here.lean_path_on = True

    lean = a_walk()

    assert answered_here == [False] * 4 + [True] * 4
    assert [status for status, _, _ in lean] == [200, 429, 200, 409]
    assert lean == by_drf


def test_a_position_moves_the_performance(answered_here):
    performance, phone = performer_live()

    status, body, _ = send(phone, performance.pk, {"lat": 38.7139, "lng": -9.1394})

    assert (status, body) == (200, {"lat": 38.7139, "lng": -9.1394})
    moved = Performance.objects.get(pk=performance.pk)
    assert (moved.position_lat, moved.position_lng) == (38.7139, -9.1394)
    assert answered_here == [True]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("someone else's performance", 403),
        ("no such performance", 404),
        ("a latitude off the globe", 400),
        ("a latitude as text", 200),  # DRF takes "38.7" for 38.7, as before
        ("no body", 400),
    ],
)
def test_what_the_lean_path_does_not_take_drf_answers_as_before(case, expected, answered_here):
    performance, phone = performer_live()
    if case == "someone else's performance":
        performance, _ = performer_live()
    performance_id = performance.pk + 1000 if case == "no such performance" else performance.pk
    body = {
        "a latitude off the globe": {"lat": 91, "lng": -9.1},
        "a latitude as text": {"lat": "38.7", "lng": -9.1},
        "no body": [],
    }.get(case, {"lat": 38.7139, "lng": -9.1394})

    status, _, _ = send(phone, performance_id, body)

    assert status == expected
    assert answered_here == [False]
