"""A body over the size limit under /api/ is a 413 in the API's error shape, naming the limit,
and the schema lists it; Django's own answer was an HTML 400."""

from __future__ import annotations

import json

import pytest

from tests.factories import ArtistProfileFactory

pytestmark = pytest.mark.django_db

LIMIT = 2048


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def assert_too_large(response) -> None:  # noqa: ANN001
    assert response.status_code == 413, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "too_large"
    assert list(body["errors"]) == ["body"]
    assert f"{LIMIT:,} bytes" in body["detail"]


def test_an_over_long_json_body_is_a_json_413_naming_the_limit(client):
    body = json.dumps({"artist": "alice-strings", "amount": 500, "message": "x" * LIMIT})
    response = client.post("/api/v1/tips/", body, content_type="application/json")
    assert_too_large(response)


def test_an_over_long_body_to_a_signed_in_write_is_a_json_413(api_as):
    body = json.dumps({"title": "x" * LIMIT})
    response = api_as(ArtistProfileFactory().user).generic(
        "POST", "/api/v1/performances/", body, content_type="application/json"
    )
    assert_too_large(response)


def test_an_over_long_form_is_a_json_413(api_as):
    response = api_as(ArtistProfileFactory().user).generic(
        "POST",
        "/api/v1/media/clips/",
        "title=" + "x" * LIMIT,
        content_type="application/x-www-form-urlencoded",
    )
    assert_too_large(response)


@pytest.mark.parametrize(
    ("path", "method"), [("/api/v1/performances/", "post"), ("/api/v1/performances/{id}/", "patch")]
)
def test_the_schema_lists_413_on_writes(api, path, method):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    documented = schema["paths"][path][method]["responses"]["413"]
    assert documented["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
