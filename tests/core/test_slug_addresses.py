"""An API address naming an object by slug answers 404 when the slug cannot be one.

A NUL byte in the address (``/api/v1/artists/a%00/``) used to reach PostgreSQL, which
refuses such text with a DataError: a 500. SQLite stores it, so the NUL cases matter when
the suite runs on PostgreSQL (as CI does).
"""

from __future__ import annotations

import pytest

RESOURCES = ["artists", "genres", "areas", "collections"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("slug", ["a%00", "alice-strings%00", "%00"])
def test_a_slug_with_a_nul_byte_is_not_found(client, db, resource, slug):
    response = client.get(f"/api/v1/{resource}/{slug}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_artist_is_still_found_by_its_slug(client, alice):
    response = client.get(f"/api/v1/artists/{alice.artist_profile.slug}/")
    assert response.status_code == 200
    assert response.json()["slug"] == alice.artist_profile.slug
