"""Local media is served with range requests, and only while its item may be seen."""

from __future__ import annotations

import pytest

from apps.media import services
from tests.factories import ClipFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_a_range_request_gets_206_with_exactly_those_bytes(client):
    clip = ClipFactory()
    response = client.get(clip.web_file.url, HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == bytes(range(10, 20))
    assert response["Content-Range"] == "bytes 10-19/100"
    assert response["Accept-Ranges"] == "bytes"


def test_a_whole_file_request_gets_200(client):
    track = TrackFactory()
    response = client.get(track.web_file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(range(100))


@pytest.mark.parametrize("persona", ["anonymous", "owner", "other", "venue_staff"])
def test_hidden_media_is_404_for_everyone_but_curators(client, personas, persona):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    services.set_hidden(clip, True, reason="Not theirs to post.")
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    for field in clip.files():
        assert client.get(field.url).status_code == 404, field.name
    # The uploader still finds it in their own list, marked hidden; nobody else does.
    expected = 200 if persona == "owner" else 404
    assert client.get(f"/api/v1/media/clips/{clip.pk}/").status_code == expected


def test_curators_still_see_hidden_media(client, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    services.set_hidden(clip, True, reason="Checking.")
    client.force_login(personas.curator)
    response = client.get(clip.web_file.url, HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206


def test_hidden_media_leaves_the_public_api_and_the_artist_page(client, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile, title="Too loud")
    services.set_hidden(clip, True, reason="Spam.")
    assert client.get("/api/v1/media/clips/").json()["results"] == []
    page = client.get(personas.owner.artist_profile.get_absolute_url()).content.decode()
    assert "Too loud" not in page


def test_a_file_name_that_is_not_the_items_own_is_404(client):
    clip = ClipFactory()
    assert client.get(f"/media/clips/{clip.public_id}/other.mp4").status_code == 404
    assert client.get("/media/clips/not-a-uuid/source.mp4").status_code == 404
