"""For-you's lat and lng, when present, are numbers: an empty one is a 400 naming it, as the
schema says (it was taken for "no position", and Schemathesis flagged the accepted invalid
value against the live stack)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "name"), [("lat=", "lat"), ("lat=&lng=", "lat"), ("lat=38.7&lng=", "lng")])
def test_for_you_refuses_an_empty_coordinate_naming_it(api_as, alice, query, name):
    response = api_as(alice).get(f"/api/v1/for-you/?{query}")
    assert response.status_code == 400, response.content
    assert name in response.json()["errors"]


def test_for_you_still_answers_without_a_position_and_with_one(api_as, alice):
    client = api_as(alice)
    assert client.get("/api/v1/for-you/").status_code == 200
    assert client.get("/api/v1/for-you/?lat=38.7&lng=-9.1").status_code == 200
