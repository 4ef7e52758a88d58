"""A tip names its artist by slug; anything that cannot be a slug is "no such artist", a 400.

Text with a NUL byte used to reach PostgreSQL, which refuses it with a DataError: a 500.
SQLite stores such text, so the NUL cases matter when the suite runs on PostgreSQL (as CI does).
"""

from __future__ import annotations

import pytest

from apps.tips.models import Tip

TIPS = "/api/v1/tips/"


@pytest.mark.parametrize(
    "artist", ["abc\u0000", "alice-strings\u0000", 5, ["alice-strings"], {"slug": "x"}, ""]
)
def test_an_artist_that_cannot_be_a_slug_is_refused_naming_artist(client, alice, artist):
    body = {"artist": artist, "amount": 500, "message": "Lovely set"}
    response = client.post(TIPS, body, content_type="application/json", headers={"Idempotency-Key": "k" * 20})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["artist"]
    assert not Tip.objects.exists()
