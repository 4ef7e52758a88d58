"""The OpenAPI schema lists every status an operation answers with, errors included."""

from __future__ import annotations

import pytest

from apps.performances import services
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import route

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    return api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def responses(schema: dict, path: str, method: str) -> dict:
    return schema["paths"][path][method]["responses"]


def test_unliking_answers_a_status_the_schema_lists_with_the_like_state(api_as, schema):
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title="Set", stops=route(60))
    client = api_as(UserFactory())
    client.put(f"/api/v1/performances/{performance.pk}/like/")

    response = client.delete(f"/api/v1/performances/{performance.pk}/like/")

    documented = responses(schema, "/api/v1/performances/{id}/like/", "delete")
    assert str(response.status_code) in documented
    assert response.json() == {"liked": False, "like_count": 0}
    assert documented[str(response.status_code)]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LikeState"
    }


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/performances/", "post"),
        ("/api/v1/performances/{id}/", "patch"),
        ("/api/v1/performances/{id}/go-live/", "post"),
        ("/api/v1/performances/{id}/position/", "post"),
        ("/api/v1/tips/", "post"),
        ("/api/v1/events/{id}/votes/", "post"),
        ("/api/v1/events/{id}/next/", "post"),
    ],
)
def test_business_rule_refusals_are_documented_in_the_error_shape(schema, path, method):
    documented = responses(schema, path, method)
    for code in ("400", "409"):
        schema_of = documented[code]["content"]["application/json"]["schema"]
        assert schema_of == {"$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize(
    ("path", "method", "code", "words"),
    [
        ("/api/v1/performances/", "post", "400", "overlap"),
        ("/api/v1/performances/{id}/", "patch", "409", "already started"),
        ("/api/v1/performances/{id}/go-live/", "post", "409", "already live"),
        ("/api/v1/performances/{id}/end/", "post", "409", "not live"),
        ("/api/v1/performances/{id}/position/", "post", "409", "not live"),
        ("/api/v1/tips/", "post", "400", "amount"),
        ("/api/v1/events/{id}/votes/", "post", "409", "already voted"),
    ],
)
def test_a_write_says_which_business_rules_refuse_it(schema, path, method, code, words):
    documented = responses(schema, path, method)[code]
    assert words in documented["description"]
    assert documented["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
