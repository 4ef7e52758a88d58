"""The dashboard's uploads (with progress and status) and the artist page's media."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.media.models import Clip, MediaStatus
from tests.factories import ClipFactory, StoryFactory, TrackFactory
from tests.media.conftest import CORPUS, as_upload

pytestmark = pytest.mark.django_db


def test_the_dashboard_asks_for_sign_in(client):
    response = client.get(reverse("media-dashboard"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_dashboard_shows_upload_forms_with_progress_and_my_uploads(client, artist):
    ClipFactory(artist=artist, title="Ready one")
    ClipFactory(artist=artist, title="Still going", status=MediaStatus.PROCESSING)
    ClipFactory(artist=artist, title="Broken", status=MediaStatus.FAILED, failure_reason="No frames.")
    client.force_login(artist.user)
    page = client.get(reverse("media-dashboard")).content.decode()
    for kind in ("clip", "story", "track"):
        assert f'action="{reverse("media-upload", args=[kind])}"' in page
    assert "<progress" in page
    assert "Processing…" in page and "No frames." in page
    # While something is processing, the list refreshes itself.
    assert "every 3s" in page


def test_the_upload_list_stops_polling_when_nothing_is_processing(client, artist):
    ClipFactory(artist=artist)
    client.force_login(artist.user)
    part = client.get(reverse("media-dashboard") + "?part=uploads", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="uploads"' in part
    assert "every 3s" not in part


def test_uploading_a_clip_from_the_web_form(client, artist, media_files, django_capture_on_commit_callbacks):
    client.force_login(artist.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("media-upload", args=["clip"]),
            {"file": as_upload(media_files["video"]), "title": "From the form"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Uploaded." in body
    assert 'hx-swap-oob="outerHTML:#uploads"' in body
    clip = Clip.objects.get()
    assert clip.title == "From the form" and clip.status == MediaStatus.READY


def test_a_bad_web_upload_shows_the_reason_on_the_form(client, artist):
    client.force_login(artist.user)
    response = client.post(
        reverse("media-upload", args=["clip"]), {"file": as_upload(CORPUS / "html-renamed.mp4")}
    )
    assert response.status_code == 400
    assert "markup" in response.content.decode()
    assert not Clip.objects.exists()


def test_an_artist_cannot_delete_someone_elses_upload_from_the_dashboard(client, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    client.force_login(personas.other)
    response = client.post(reverse("media-delete", args=["clip", clip.pk]))
    assert response.status_code == 404
    assert Clip.objects.filter(pk=clip.pk).exists()


def test_the_artist_page_plays_clips_with_posters_stories_and_tracks(client, artist):
    clip = ClipFactory(artist=artist, title="Street set")
    story = StoryFactory(artist=artist)
    track = TrackFactory(artist=artist, title="Harbour song")
    page = client.get(artist.get_absolute_url()).content.decode()
    assert f'poster="{clip.poster.url}"' in page and clip.web_file.url in page
    assert story.web_file.url in page and "data-story-viewer" in page
    assert "Harbour song" in page and track.web_file.url in page
    assert f"/api/v1/tracks/{track.pk}/plays/" in page


def test_a_performance_page_shows_the_clips_from_it(client):
    from tests.factories import PerformanceFactory

    performance = PerformanceFactory()
    clip = ClipFactory(artist=performance.artist, performance=performance, title="From the set")
    ClipFactory(artist=performance.artist, performance=performance, title="Hidden one", hidden=True)
    page = client.get(performance.get_absolute_url()).content.decode()
    assert "From the set" in page and clip.web_file.url in page
    assert "Hidden one" not in page


def test_deleting_an_upload_asks_first_and_changes_nothing_until_confirmed(client, artist):
    clip = ClipFactory(artist=artist, title="Street set")
    client.force_login(artist.user)
    url = reverse("media-delete", args=["clip", clip.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Delete “Street set”?" in html
    assert 'name="confirm" value="yes"' in html
    assert Clip.objects.filter(pk=clip.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Clip.objects.filter(pk=clip.pk).exists()


def test_the_dashboards_delete_button_asks_in_the_page_and_confirms_in_its_request(client, artist):
    clip = ClipFactory(artist=artist, title="Street set")
    client.force_login(artist.user)
    html = client.get(reverse("media-dashboard")).content.decode()
    assert 'hx-confirm="Delete this for good?"' in html
    assert """hx-vals='{"confirm": "yes"}'""" in html
    response = client.post(
        reverse("media-delete", args=["clip", clip.pk]), {"confirm": "yes"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert not Clip.objects.filter(pk=clip.pk).exists()
