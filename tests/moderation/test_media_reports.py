"""Anyone signed in reports media; curators hide or restore it and the uploader is told."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.accounts.models import Notification
from apps.media.models import Clip
from apps.moderation import services
from apps.moderation.models import Report, ReportStatus
from tests.factories import ClipFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_a_fan_reports_a_clip_once(api_as, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    bob = api_as(personas.other)
    url = f"/api/v1/media/clips/{clip.pk}/report/"
    assert bob.post(url, {"reason": "copyright", "note": "My song"}).status_code == 201
    again = bob.post(url, {"reason": "spam"})
    assert again.status_code == 409
    assert Report.objects.get().reason == "copyright"


def test_a_report_needs_a_known_reason(api_as, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    response = api_as(personas.other).post(f"/api/v1/media/clips/{clip.pk}/report/", {"reason": "meh"})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not Report.objects.exists()


def test_anonymous_visitors_cannot_report(api):
    clip = ClipFactory()
    assert api.post(f"/api/v1/media/clips/{clip.pk}/report/", {"reason": "spam"}).status_code == 401


def test_hiding_resolves_reports_and_tells_the_uploader_restoring_tells_them_too(personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    services.report_item(clip, reporter=personas.other, reason="offensive")
    services.hide_item(clip, actor=personas.curator, reason="Hateful lyrics.")
    clip.refresh_from_db()
    assert clip.hidden and clip.hidden_reason == "Hateful lyrics."
    assert Report.objects.get().status == ReportStatus.HIDDEN
    told = Notification.objects.get(recipient=personas.owner, kind="media_hidden")
    assert "Hateful lyrics." in told.text
    services.restore_item(clip, actor=personas.curator, reason="Their own song after all.")
    clip.refresh_from_db()
    assert not clip.hidden
    assert Notification.objects.filter(recipient=personas.owner, kind="media_restored").exists()


@pytest.mark.parametrize("who", ["owner", "other", "venue_staff"])
def test_only_curators_hide_media(personas, who):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    with pytest.raises(PermissionDenied):
        services.hide_item(clip, actor=getattr(personas, who), reason="No.")
    clip.refresh_from_db()
    assert not clip.hidden


def test_a_curator_hides_reported_items_from_the_admin_queue(client, personas):
    track = TrackFactory(artist=personas.owner.artist_profile)
    services.report_item(track, reporter=personas.other, reason="spam")
    client.force_login(personas.curator)
    queue = client.get(reverse("admin:moderation_report_changelist"))
    assert queue.status_code == 200
    report = Report.objects.get()
    selected = {"action": "hide_items", "_selected_action": [report.pk]}
    asking = client.post(reverse("admin:moderation_report_changelist"), selected)
    assert asking.status_code == 200  # why? is asked first
    response = client.post(
        reverse("admin:moderation_report_changelist"), {**selected, "apply": "1", "reason": "Spam."}
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.hidden
    assert Notification.objects.filter(recipient=personas.owner, kind="media_hidden").exists()


def test_a_curator_hides_and_restores_clips_with_admin_actions(client, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    client.force_login(personas.curator)
    url = reverse("admin:media_clip_changelist")
    assert client.get(url).status_code == 200
    why = {"_selected_action": [clip.pk], "apply": "1", "reason": "Checked."}
    client.post(url, {"action": "hide_selected", **why})
    assert Clip.objects.get(pk=clip.pk).hidden
    client.post(url, {"action": "restore_selected", **why})
    assert not Clip.objects.get(pk=clip.pk).hidden


@pytest.mark.parametrize("who", ["owner", "other"])
def test_fans_and_artists_cannot_reach_the_moderation_queue(client, personas, who):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("admin:moderation_report_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_reporting_from_the_artist_page(client, personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    client.force_login(personas.other)
    page = client.get(personas.owner.artist_profile.get_absolute_url()).content.decode()
    assert reverse("report", args=["clip", clip.pk]) in page
    response = client.post(
        reverse("report", args=["clip", clip.pk]), {"reason": "spam"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "curator will look" in response.content.decode()
    assert Report.objects.filter(reporter=personas.other).exists()
