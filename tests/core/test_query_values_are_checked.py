"""A query parameter present with a value its schema does not allow is a 400 naming it.

Empty, an object (``name[key]=…``), several values, or a number that is not whole where the
schema says integer: each is a client's mistake, never taken for "no filter" or the default.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

NEARBY = "/api/v1/performances/nearby/?lat=38.7&lng=-9.1&"


def assert_refused(response, name: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [name]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("when=", "when"),
        ("radius_km=", "radius_km"),
        ("radius_km[a]=1", "radius_km"),
        ("radius_km[]=1", "radius_km"),
        ("radius_km=1&radius_km=2", "radius_km"),
        ("when=now&when=today", "when"),
        ("genre[x]=jazz", "genre"),
    ],
)
def test_nearby_refuses_an_empty_or_structured_value_naming_the_parameter(api, query, name):
    assert_refused(api.get(NEARBY + query), name)


def test_trending_refuses_an_empty_kind(api):
    assert_refused(api.get("/api/v1/trending/?kind="), "kind")


@pytest.mark.parametrize("value", ["", "1.5", "1e3", "1.0", " 1", "abc"])
@pytest.mark.parametrize("path", ["/api/v1/media/clips/", "/api/v1/media/stories/"])
def test_media_lists_refuse_a_performance_that_is_not_a_whole_number(api, path, value):
    assert_refused(api.get(path, {"performance": value}), "performance")


def test_media_lists_still_filter_by_a_whole_performance_id(api):
    assert api.get("/api/v1/media/clips/", {"performance": "7"}).status_code == 200


def test_nearby_still_answers_with_every_parameter_given_once(api):
    response = api.get(NEARBY + "radius_km=1.5&when=today&genre=jazz&area=alfama")
    assert response.status_code == 200, response.content
