"""Uploads are checked by content: good files become items that get processed, and bad
ones are refused with a message naming the field, leaving no row and no file behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from apps.media.models import Clip, MediaStatus, Story, Track
from tests.factories import UserFactory
from tests.media.conftest import CORPUS, as_upload

pytestmark = pytest.mark.django_db


def media_root_files(settings) -> list[Path]:  # noqa: ANN001
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file() and "avatars" not in p.parts]


@pytest.fixture
def clean_media_root(settings, tmp_path):  # noqa: ANN001
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings


def post_clip(api_as, artist, upload, **fields):  # noqa: ANN001, ANN201
    return api_as(artist.user).post("/api/v1/media/clips/", {"file": upload, **fields}, format="multipart")


def test_an_artist_uploads_a_clip_which_is_processed_into_a_poster_and_a_playable_file(
    api_as, artist, media_files, clean_media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_clip(api_as, artist, as_upload(media_files["video"], "holiday.txt"), title="Rossio")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "processing"
    clip = Clip.objects.get()
    assert clip.status == MediaStatus.READY, clip.failure_reason
    # Named by the server, after the content: not after what the client called it.
    assert clip.source.name == f"clips/{clip.public_id}/source.mp4"
    assert clip.web_file.name == clip.source.name  # H.264/AAC in MP4 plays as it is
    with Image.open(clip.poster.path) as poster:
        assert poster.format == "JPEG"
    assert 1.8 <= clip.duration <= 2.2
    body = api_as(None).get(f"/api/v1/media/clips/{clip.pk}/").json()
    assert body["status"] == "ready"
    assert body["poster_url"].endswith("/poster.jpg")


def test_a_webm_clip_gets_a_web_ready_mp4_variant(
    api_as, artist, media_files, clean_media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post_clip(api_as, artist, as_upload(media_files["webm"])).status_code == 201
    clip = Clip.objects.get()
    assert clip.status == MediaStatus.READY, clip.failure_reason
    assert clip.source.name.endswith("source.webm")
    assert clip.web_file.name.endswith("web.mp4")


def test_a_story_photo_is_stored_without_its_exif_or_gps(
    api_as, artist, media_files, clean_media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(artist.user).post(
            "/api/v1/media/stories/", {"file": as_upload(media_files["image"])}, format="multipart"
        )
    assert response.status_code == 201, response.content
    story = Story.objects.get()
    for stored in (story.source, story.poster, story.thumbnail):
        with Image.open(stored.path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(0x8825), "GPS survived"
            assert 0x0112 not in exif, "orientation tag survived"
    # The photo was taken sideways (orientation 6): it is stored upright.
    assert (story.width, story.height) == (480, 640)


def test_a_track_with_artwork_gets_a_thumbnail(
    api_as, artist, media_files, clean_media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(artist.user).post(
            "/api/v1/media/tracks/",
            {
                "file": as_upload(media_files["audio"]),
                "title": "Fado for Two",
                "artwork": as_upload(media_files["image"]),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    track = Track.objects.get()
    assert track.status == MediaStatus.READY, track.failure_reason
    assert track.thumbnail.name.endswith("thumb.jpg")
    assert track.web_file.name == track.source.name  # MP3 plays as it is


ABUSE = [
    ("html-renamed.mp4", "markup"),
    ("gif-js-polyglot.gif", "markup"),
    ("svg-with-script.svg", "markup"),
    ("svg-with-script.png", "markup"),
    ("truncated.mp4", "incomplete"),
    ("empty.mp4", "empty"),
]


@pytest.mark.parametrize(("name", "words"), ABUSE)
def test_the_abuse_corpus_is_refused_with_its_message_and_nothing_is_stored(
    api_as, artist, clean_media_root, name, words
):
    response = post_clip(api_as, artist, as_upload(CORPUS / name, content_type="video/mp4"))
    assert response.status_code == 400, response.content
    message = response.json()["errors"]["file"][0]
    assert words in message.lower(), message
    assert not Clip.objects.exists()
    assert media_root_files(clean_media_root) == []


def test_a_pixel_flood_image_is_refused_as_a_story(api_as, artist, clean_media_root):
    response = api_as(artist.user).post(
        "/api/v1/media/stories/", {"file": as_upload(CORPUS / "pixel-flood.png")}, format="multipart"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["errors"]["file"][0]
    assert not Story.everything.exists()
    assert media_root_files(clean_media_root) == []


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(
    api_as, artist, media_files, clean_media_root
):
    clean_media_root.MEDIA_VIDEO_MAX_BYTES = 1024
    response = post_clip(api_as, artist, as_upload(media_files["video"]))
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith("The file is larger than")
    assert not Clip.objects.exists()


def test_a_video_longer_than_a_story_is_refused(api_as, artist, tmp_path, clean_media_root):
    from apps.media.generate import make_video

    clean_media_root.STORY_MAX_SECONDS = 1
    video = make_video(tmp_path / "long.mp4", seconds=2, size=(64, 48), with_audio=False)
    response = api_as(artist.user).post(
        "/api/v1/media/stories/", {"file": as_upload(video)}, format="multipart"
    )
    assert response.status_code == 400
    assert "limit is 0:01" in response.json()["errors"]["file"][0]


def test_audio_is_not_a_clip_and_video_is_not_a_track(api_as, artist, media_files, clean_media_root):
    as_clip = post_clip(api_as, artist, as_upload(media_files["audio"]))
    assert as_clip.status_code == 400
    assert as_clip.json()["errors"]["file"] == ["Upload a video."]
    as_track = api_as(artist.user).post(
        "/api/v1/media/tracks/", {"file": as_upload(media_files["video"]), "title": "T"}, format="multipart"
    )
    assert as_track.status_code == 400
    assert as_track.json()["errors"]["file"] == ["Upload an audio file."]
    assert media_root_files(clean_media_root) == []


def test_a_track_needs_a_title_and_nothing_is_stored_without_one(
    api_as, artist, media_files, clean_media_root
):
    response = api_as(artist.user).post(
        "/api/v1/media/tracks/", {"file": as_upload(media_files["audio"])}, format="multipart"
    )
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert not Track.objects.exists()
    assert media_root_files(clean_media_root) == []


def test_a_clip_cannot_claim_someone_elses_performance(api_as, artist, media_files, clean_media_root):
    from tests.factories import PerformanceFactory

    theirs = PerformanceFactory()
    response = post_clip(api_as, artist, as_upload(media_files["video"]), performance=theirs.pk)
    assert response.status_code == 400
    assert "performance" in response.json()["errors"]
    assert media_root_files(clean_media_root) == []


def test_a_fan_without_an_artist_profile_cannot_upload(api_as, media_files):
    response = api_as(UserFactory()).post(
        "/api/v1/media/clips/", {"file": as_upload(media_files["video"])}, format="multipart"
    )
    assert response.status_code == 403


def test_strangers_cannot_change_or_delete_an_artists_clip(api_as, personas):
    from tests.factories import ClipFactory

    clip = ClipFactory(artist=personas.owner.artist_profile)
    bob = api_as(personas.other)
    assert bob.patch(f"/api/v1/media/clips/{clip.pk}/", {"title": "Mine now"}).status_code == 403
    assert bob.delete(f"/api/v1/media/clips/{clip.pk}/").status_code == 403
    clip.refresh_from_db()
    assert clip.title != "Mine now"


def test_the_owner_deletes_a_clip_with_its_files(api_as, personas, django_capture_on_commit_callbacks):
    from tests.factories import ClipFactory

    clip = ClipFactory(artist=personas.owner.artist_profile)
    paths = [Path(f.path) for f in clip.files()]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(personas.owner).delete(f"/api/v1/media/clips/{clip.pk}/").status_code == 204
    assert not Clip.objects.exists()
    assert not any(p.exists() for p in paths)


def test_processing_and_failed_items_are_seen_only_by_their_uploader(api_as, personas):
    from tests.factories import ClipFactory

    alice = personas.owner.artist_profile
    failed = ClipFactory(artist=alice, status=MediaStatus.FAILED, failure_reason="No frames.")
    processing = ClipFactory(artist=alice, status=MediaStatus.PROCESSING)
    ready = ClipFactory(artist=alice)
    public = {c["id"] for c in api_as(None).get("/api/v1/media/clips/").json()["results"]}
    assert public == {ready.pk}
    mine = api_as(personas.owner).get("/api/v1/media/clips/?mine=true").json()["results"]
    assert {c["id"] for c in mine} == {failed.pk, processing.pk, ready.pk}
    assert next(c for c in mine if c["id"] == failed.pk)["failure_reason"] == "No frames."
    assert api_as(personas.other).get(f"/api/v1/media/clips/{failed.pk}/").status_code == 404
