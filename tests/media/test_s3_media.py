"""Clips, stories and tracks on S3-compatible storage (moto's server, started by the tests)."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import pytest
import requests

from apps.media.models import Clip, MediaStatus
from tests import s3
from tests.media.conftest import as_upload

s3_server = s3.s3_server
s3_storage = s3.s3_storage

pytestmark = pytest.mark.django_db
http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    assert urlsplit(url).hostname == "127.0.0.1"
    with http.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
        return response.status, response.read()


def keys(server) -> list[str]:  # noqa: ANN001
    listing = server.client.list_objects_v2(Bucket=server.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_a_clip_uploaded_to_s3_is_processed_and_served_through_presigned_urls(
    s3_storage, s3_server, api_as, artist, media_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(artist.user).post(
            "/api/v1/media/clips/",
            {"file": as_upload(media_files["video"]), "title": "On S3"},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    clip = Clip.objects.get()
    assert clip.status == MediaStatus.READY, clip.failure_reason
    folder = f"clips/{clip.public_id}/"
    assert keys(s3_server) == [folder + "poster.jpg", folder + "source.mp4", folder + "thumb.jpg"]

    body = api_as(None).get(f"/api/v1/media/clips/{clip.pk}/").json()
    assert "X-Amz-Expires=300" in body["poster_url"]
    status, poster = fetch(body["poster_url"])
    assert status == 200 and poster[:2] == b"\xff\xd8"  # a JPEG
    status, head = fetch(body["file_url"], {"Range": "bytes=0-7"})
    assert status == 206 and head == media_files["video"].read_bytes()[:8]


def test_deleting_a_clip_removes_its_objects(
    s3_storage, s3_server, api_as, artist, media_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_as(artist.user).post(
            "/api/v1/media/clips/", {"file": as_upload(media_files["video"])}, format="multipart"
        )
        clip = Clip.objects.get()
        assert api_as(artist.user).delete(f"/api/v1/media/clips/{clip.pk}/").status_code == 204
    assert keys(s3_server) == []


def test_a_direct_upload_is_confirmed_and_its_staging_object_removed(
    s3_storage, s3_server, api_as, artist, media_files, django_capture_on_commit_callbacks
):
    app = api_as(artist.user)
    ticket = app.post("/api/v1/media/uploads/", {"kind": "track"}).json()
    with requests.Session() as session:
        session.trust_env = False
        sent = session.post(
            ticket["url"],
            data=ticket["fields"],
            files={"file": ("t.mp3", media_files["audio"].read_bytes())},
            timeout=10,
        )
    assert sent.status_code in {200, 201, 204}
    with django_capture_on_commit_callbacks(execute=True):
        response = app.post("/api/v1/media/tracks/", {"upload": ticket["key"], "title": "Sent straight"})
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Sent straight"
    assert not [k for k in keys(s3_server) if k.startswith("uploads/")]


def test_an_oversize_object_put_behind_the_servers_back_is_refused_on_confirm(
    s3_storage, s3_server, api_as, artist, settings
):
    settings.MEDIA_AUDIO_MAX_BYTES = 64 * 1024
    app = api_as(artist.user)
    ticket = app.post("/api/v1/media/uploads/", {"kind": "track"}).json()
    s3_server.client.put_object(
        Bucket=s3_server.bucket, Key=ticket["fields"]["key"], Body=b"\0" * (65 * 1024)
    )
    response = app.post("/api/v1/media/tracks/", {"upload": ticket["key"], "title": "Too big"})
    assert response.status_code == 400
    assert "larger than" in response.json()["errors"]["upload"][0]
    assert keys(s3_server) == []


def test_someone_elses_upload_key_is_refused(s3_storage, api_as, personas):
    ticket = api_as(personas.owner).post("/api/v1/media/uploads/", {"kind": "clip"}).json()
    response = api_as(personas.other).post("/api/v1/media/clips/", {"upload": ticket["key"]})
    assert response.status_code == 400
    assert response.json()["errors"]["upload"] == ["This upload is not yours."]
