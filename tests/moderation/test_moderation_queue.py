"""The moderation queue: reports about uploads, performances and profiles; curators hide,
restore, dismiss or warn, each decision recorded with who, when and why."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.accounts.models import Notification, NotificationKind
from apps.moderation import services as moderation
from apps.moderation.models import ModerationAction, ModerationVerb, Report, ReportStatus
from apps.moderation.services import report_item
from tests.factories import ClipFactory, PerformanceFactory, StopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(personas):
    performance = PerformanceFactory(artist=personas.owner.artist_profile, title="Corner set")
    StopFactory(performance=performance)
    return performance


@pytest.fixture
def profile(personas):
    return personas.owner.artist_profile


# --- reporting -------------------------------------------------------------------------------


def test_a_fan_reports_a_performance_once(api_as, personas, show):
    bob = api_as(personas.other)
    url = f"/api/v1/performances/{show.pk}/report/"
    assert bob.post(url, {"reason": "spam", "note": "Not a real show"}, format="json").status_code == 201
    assert bob.post(url, {"reason": "offensive"}, format="json").status_code == 409
    report = Report.objects.get()
    assert (report.item, report.reason, report.note) == (show, "spam", "Not a real show")


def test_a_fan_reports_an_artist_profile_once(api_as, personas, profile):
    bob = api_as(personas.other)
    url = f"/api/v1/artists/{profile.slug}/report/"
    assert bob.post(url, {"reason": "privacy"}, format="json").status_code == 201
    assert bob.post(url, {"reason": "privacy"}, format="json").status_code == 409
    assert Report.objects.get().item == profile


def test_nobody_reports_their_own_performance_or_profile(api_as, personas, show, profile):
    alice = api_as(personas.owner)
    assert alice.post(f"/api/v1/performances/{show.pk}/report/", {"reason": "spam"}).status_code == 400
    assert alice.post(f"/api/v1/artists/{profile.slug}/report/", {"reason": "spam"}).status_code == 400
    assert not Report.objects.exists()


def test_a_report_needs_a_known_reason_and_a_signed_in_reporter(api, api_as, personas, show):
    url = f"/api/v1/performances/{show.pk}/report/"
    assert api.post(url, {"reason": "spam"}).status_code == 401
    response = api_as(personas.other).post(url, {"reason": "meh"})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not Report.objects.exists()


def test_the_performance_and_artist_pages_offer_a_report_form_that_works(client_as, personas, show, profile):
    bob = client_as(personas.other)
    assert "Report this performance" in bob.get(show.get_absolute_url()).content.decode()
    assert "Report this profile" in bob.get(profile.get_absolute_url()).content.decode()
    response = bob.post(reverse("report", args=["performance", show.pk]), {"reason": "spam"})
    assert response.status_code == 302
    response = bob.post(
        reverse("report", args=["artist", profile.slug]), {"reason": "spam"}, HTTP_HX_REQUEST="true"
    )
    assert "a curator will look at it" in response.content.decode()
    assert Report.objects.count() == 2


def test_the_owner_sees_no_report_form_on_their_own_pages(client_as, personas, show):
    page = client_as(personas.owner).get(show.get_absolute_url()).content.decode()
    assert "Report this performance" not in page


# --- decisions ---------------------------------------------------------------------------------


def test_hiding_records_who_when_and_why_closes_the_reports_and_tells_the_owner(personas, show):
    report_item(show, reporter=personas.other, reason="offensive")
    moderation.hide_item(show, actor=personas.curator, reason="Hateful title.")
    show.refresh_from_db()
    assert show.hidden
    action = ModerationAction.objects.get()
    assert (action.item, action.verb, action.actor, action.reason) == (
        show,
        ModerationVerb.HIDE,
        personas.curator,
        "Hateful title.",
    )
    assert action.created_at is not None
    assert Report.objects.get().status == ReportStatus.HIDDEN
    told = Notification.objects.get(recipient=personas.owner, kind=NotificationKind.ITEM_HIDDEN)
    assert "Hateful title." in told.text


def test_restoring_is_recorded_and_told(personas, profile):
    moderation.hide_item(profile, actor=personas.curator, reason="Impersonation.")
    moderation.restore_item(profile, actor=personas.curator, reason="Identity confirmed.")
    profile.refresh_from_db()
    assert not profile.hidden
    verbs = list(moderation.history(profile).values_list("verb", flat=True))
    assert verbs == [ModerationVerb.RESTORE, ModerationVerb.HIDE]
    assert Notification.objects.filter(recipient=personas.owner, kind=NotificationKind.ITEM_RESTORED).exists()


def test_warning_leaves_the_item_visible_tells_the_owner_and_closes_the_reports(api, personas, show):
    report_item(show, reporter=personas.other, reason="spam")
    moderation.warn_owner(show, actor=personas.curator, reason="Keep the description honest.")
    show.refresh_from_db()
    assert not show.hidden
    assert api.get(f"/api/v1/performances/{show.pk}/").status_code == 200
    assert Report.objects.get().status == ReportStatus.WARNED
    told = Notification.objects.get(recipient=personas.owner, kind=NotificationKind.OWNER_WARNED)
    assert "Keep the description honest." in told.text
    assert moderation.history(show).get().verb == ModerationVerb.WARN


def test_dismissing_closes_the_open_reports_and_is_recorded(personas, show):
    report_item(show, reporter=personas.other, reason="spam")
    assert moderation.dismiss_reports(show, actor=personas.curator, reason="A real show.") == 1
    assert Report.objects.get().status == ReportStatus.DISMISSED
    assert Report.objects.get().resolved_by == personas.curator
    assert moderation.history(show).get().reason == "A real show."
    assert not Notification.objects.filter(recipient=personas.owner).exists()


def test_media_hiding_goes_through_the_media_rules_and_is_recorded_once(personas):
    clip = ClipFactory(artist=personas.owner.artist_profile)
    moderation.hide_item(clip, actor=personas.curator, reason="Someone else's song.")
    moderation.hide_item(clip, actor=personas.curator, reason="Again.")
    clip.refresh_from_db()
    assert clip.hidden and clip.hidden_reason == "Someone else's song."
    assert moderation.history(clip).count() == 1
    assert (
        Notification.objects.filter(recipient=personas.owner, kind=NotificationKind.MEDIA_HIDDEN).count() == 1
    )


def test_every_decision_needs_a_reason(personas, show):
    with pytest.raises(ValidationError):
        moderation.hide_item(show, actor=personas.curator, reason="  ")
    show.refresh_from_db()
    assert not show.hidden and not ModerationAction.objects.exists()


@pytest.mark.parametrize("who", ["owner", "other", "venue_staff"])
@pytest.mark.parametrize("verb", list(ModerationVerb))
def test_only_curators_moderate(personas, show, who, verb):
    with pytest.raises(PermissionDenied):
        moderation.ACTIONS[verb](show, actor=getattr(personas, who), reason="Because.")
    show.refresh_from_db()
    assert not show.hidden and not ModerationAction.objects.exists()


# --- the queue in the admin ------------------------------------------------------------------


def _queue_action(client, action: str, reports: list[Report], reason: str | None):  # noqa: ANN202
    data = {"action": action, "_selected_action": [r.pk for r in reports]}
    if reason is not None:
        data |= {"apply": "1", "reason": reason}
    return client.post(reverse("admin:moderation_report_changelist"), data)


def test_curators_hide_from_the_queue_after_saying_why(client_as, personas, show):
    report = report_item(show, reporter=personas.other, reason="offensive")
    curator = client_as(personas.curator)
    asking = _queue_action(curator, "hide_items", [report], None)
    assert asking.status_code == 200
    assert "Why" in asking.content.decode()
    show.refresh_from_db()
    assert not show.hidden
    done = _queue_action(curator, "hide_items", [report], "Hateful title.")
    assert done.status_code == 302
    show.refresh_from_db()
    assert show.hidden
    assert moderation.history(show).get().reason == "Hateful title."


def test_an_empty_reason_asks_again_and_changes_nothing(client_as, personas, show):
    report = report_item(show, reporter=personas.other, reason="offensive")
    response = _queue_action(client_as(personas.curator), "hide_items", [report], "")
    assert response.status_code == 200
    show.refresh_from_db()
    assert not show.hidden and not ModerationAction.objects.exists()


@pytest.mark.parametrize(
    ("action", "verb"),
    [("restore_items", "restore"), ("dismiss_selected", "dismiss"), ("warn_owners", "warn")],
)
def test_each_queue_action_goes_through_the_moderation_service(client_as, personas, profile, action, verb):
    report = report_item(profile, reporter=personas.other, reason="spam")
    if verb == "restore":
        moderation.hide_item(profile, actor=personas.curator, reason="First look.")
    assert _queue_action(client_as(personas.curator), action, [report], "Looked again.").status_code == 302
    assert moderation.history(profile).first().verb == verb


def test_the_queue_filters_by_kind_and_searches_item_names(client_as, personas, show, profile):
    report_item(show, reporter=personas.other, reason="spam")
    report_item(profile, reporter=personas.other, reason="privacy")
    curator = client_as(personas.curator)
    url = reverse("admin:moderation_report_changelist")
    performance_type = ContentType.objects.get_for_model(show)
    by_kind = curator.get(url, {"content_type__id__exact": performance_type.pk})
    assert by_kind.status_code == 200
    assert list(by_kind.context["cl"].result_list.values_list("object_id", flat=True)) == [show.pk]
    searched = curator.get(url, {"q": "Alice Strings"})
    assert searched.context["cl"].result_count == 2
    searched = curator.get(url, {"q": "Corner set"})
    assert searched.context["cl"].result_count == 1


def test_the_item_change_pages_show_the_moderation_history(client_as, personas, show, profile):
    moderation.hide_item(show, actor=personas.curator, reason="Hateful title.")
    moderation.warn_owner(profile, actor=personas.curator, reason="Mind the bio.")
    curator = client_as(personas.curator)
    page = curator.get(reverse("admin:performances_performance_change", args=[show.pk])).content.decode()
    assert "Hateful title." in page and "Charlie" in page
    page = curator.get(reverse("admin:accounts_artistprofile_change", args=[profile.pk])).content.decode()
    assert "Mind the bio." in page


@pytest.mark.parametrize("who", ["owner", "other", "venue_staff"])
def test_fans_and_artists_cannot_work_the_queue(client_as, personas, show, who):
    report = report_item(show, reporter=personas.other, reason="offensive")
    response = _queue_action(client_as(getattr(personas, who)), "hide_items", [report], "No.")
    assert response.status_code in (302, 403)
    show.refresh_from_db()
    assert not show.hidden and not ModerationAction.objects.exists()
