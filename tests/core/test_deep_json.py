"""A JSON body nested past a sane depth is refused with a 400 before any parser sees it.

Python's JSON parsers recurse once per level, so 2 KB of ``[[[[…]]]]`` used to end in a
RecursionError, a 500 and a traceback in the log, on every endpoint that reads JSON.
"""

from __future__ import annotations

import json
import logging
import time

import pytest

from apps.core.json_depth import MAX_JSON_DEPTH, json_depth
from tests.factories import PASSWORD

LOGIN = "/_allauth/app/v1/auth/login"
TIPS = "/api/v1/tips/"

# 2 KB of arrays: 1,024 levels.
DEEP = "[" * 1024 + "]" * 1024


def nested(depth: int) -> object:
    value: object = "floor"
    for level in range(depth):
        value = [value] if level % 2 else {"down": value}
    return value


def assert_refused_as_too_deep(response) -> None:  # noqa: ANN001
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "too_deep"
    assert list(body["errors"]) == ["body"]
    assert "body" in body["detail"]


@pytest.fixture
def errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_deep_json_to_an_api_endpoint_is_refused_with_400(client, db, errors_logged):
    response = client.post(TIPS, DEEP, content_type="application/json")
    assert_refused_as_too_deep(response)
    assert errors_logged() == []


def test_deep_json_to_the_login_is_refused_with_400(client, db, errors_logged):
    response = client.post(LOGIN, DEEP, content_type="application/json")
    assert_refused_as_too_deep(response)
    assert errors_logged() == []


def test_deep_json_to_the_login_is_refused_whatever_content_type_it_claims(client, db, errors_logged):
    # The login parses any body as JSON, whatever its Content-Type.
    response = client.post(LOGIN, DEEP, content_type="text/plain")
    assert_refused_as_too_deep(response)
    assert errors_logged() == []


def test_deep_json_to_a_put_endpoint_is_refused_with_400(api_as, alice, bob, errors_logged):
    response = api_as(bob).put(
        f"/api/v1/artists/{alice.artist_profile.slug}/follow/", DEEP, content_type="application/json"
    )
    assert_refused_as_too_deep(response)
    assert errors_logged() == []


def test_an_unclosed_deep_body_is_refused_too(client, db, errors_logged):
    response = client.post(TIPS, "[" * 2048, content_type="application/json; charset=utf-8")
    assert_refused_as_too_deep(response)
    assert errors_logged() == []


def test_json_ten_levels_deep_is_read_as_usual(api_as, alice, bob):
    response = api_as(bob).put(
        f"/api/v1/artists/{alice.artist_profile.slug}/follow/",
        json.dumps({"extra": nested(10)}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["following"] is True


def test_the_login_still_reads_a_body_with_nesting_it_ignores(client, alice):
    body = {"email": alice.email, "password": PASSWORD, "extra": nested(10)}
    response = client.post(LOGIN, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content


def test_brackets_inside_a_string_are_not_depth(client, alice):
    # 5,000 brackets after an escaped quote, all inside one string: the message is only too long.
    body = {"artist": alice.artist_profile.slug, "amount": 500, "message": '\\"' + "[" * 5000}
    response = client.post(TIPS, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["message"]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("42", 0),
        ('{"a": [1, {"b": []}]}', 4),
        ('"[[[[" ', 0),
        ('["\\"[[[", "]"]', 1),
        ('["x\\\\", [[]]]', 3),
        ('{"a": "\\\\\\"[{"}', 1),
        ("[" * 70, 70),
        ("]]][[", 0),
        # A string left open runs to the end, as the parser reads it.
        ('[[[ "abc', 3),
        ('[["x", "[[[[', 2),
        ('["a\\', 1),
    ],
)
def test_depth_counts_brackets_outside_strings_only(text, depth):
    assert json_depth(text.encode()) == depth


def test_the_limit_is_one_any_client_stays_far_from():
    assert json_depth(json.dumps(nested(MAX_JSON_DEPTH)).encode()) == MAX_JSON_DEPTH


def test_a_body_of_escaped_quotes_in_an_open_string_is_scanned_in_linear_time():
    # Each escaped quote could start a fresh string match that runs to the end of the body.
    body = b'"' + b'a\\"[' * 50_000
    started = time.perf_counter()
    assert json_depth(body) == 0
    assert time.perf_counter() - started < 1
