from types import SimpleNamespace

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from apps.venues import services
from apps.venues.models import EntryStatus, Event, EventStatus, QueueEntry
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def venues(personas):
    """Dave staffs Tasca (an open night and a draft); Erin staffs Adega, which Dave must never see."""
    dave = personas.venue_staff
    erin = UserFactory(email="erin@example.com", group="venue staff")
    tracks = [TrackFactory(title=title) for title in ("Lisboa Menina", "Rua Escura", "Fado do Cais")]
    tasca = VenueFactory(name="Tasca do Dave", staff=[dave])
    adega = VenueFactory(name="Adega da Erin", staff=[erin])
    return SimpleNamespace(
        dave=dave,
        erin=erin,
        tracks=tracks,
        tasca=tasca,
        adega=adega,
        night=EventFactory(venue=tasca, name="Tasca night", tracks=tracks),
        draft=EventFactory(venue=tasca, name="Tasca next week", status=EventStatus.DRAFT),
        theirs=EventFactory(venue=adega, name="Adega night", tracks=tracks),
    )


def admin_url(name: str, *args) -> str:  # noqa: ANN002
    return reverse(f"admin:venues_{name}", args=args)


def queue(event, tracks) -> None:  # noqa: ANN001
    """Each track requested by a guest of its own, in this order."""
    for track in tracks:
        services.cast_vote(event, track.pk, guest=services.guest_for(event))


def test_venue_staff_see_only_their_venues_events_in_the_changelist(client, venues):
    client.force_login(venues.dave)
    html = client.get(admin_url("event_changelist")).content.decode()
    assert "Tasca night" in html and "Tasca next week" in html
    assert "Adega" not in html  # neither its event nor its venue in the filter


def test_another_venues_objects_are_not_found_anywhere_in_the_admin(client, venues):
    client.force_login(venues.dave)
    theirs = venues.theirs.pk
    for url in [
        admin_url("event_change", theirs),
        admin_url("event_history", theirs),
        admin_url("event_delete", theirs),
        admin_url("event_live", theirs),
        admin_url("venue_change", venues.adega.pk),
        admin_url("venue_history", venues.adega.pk),
    ]:
        assert client.get(url).status_code == 404, url
    for action in ["next", "skip", "veto", "remove"]:
        assert client.post(admin_url("event_live_action", theirs, action), {"entry": 1}).status_code == 404
    assert client.get(admin_url("event_change", venues.night.pk)).status_code == 200
    venues_page = client.get(admin_url("venue_changelist")).content.decode()
    assert "Tasca do Dave" in venues_page and "Adega da Erin" not in venues_page


def test_superusers_see_every_venue(client, venues):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(admin_url("event_changelist")).content.decode()
    assert "Tasca night" in html and "Adega night" in html


def test_a_new_event_can_only_be_placed_at_the_staffs_own_venues(client, venues):
    client.force_login(venues.dave)
    form = client.get(admin_url("event_add")).content.decode()
    assert "Tasca do Dave" in form and "Adega da Erin" not in form
    response = client.post(
        admin_url("event_add"),
        {
            "venue": venues.adega.pk,
            "name": "Sneaky",
            "starts_at_0": "2030-01-01",
            "starts_at_1": "20:00",
            "ends_at_0": "2030-01-01",
            "ends_at_1": "23:00",
            "vote_cooldown_seconds": 20,
            "votes_per_guest_per_hour": 30,
            "veto_window_minutes": 60,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Event.objects.filter(name="Sneaky").exists()


def test_pool_pickers_search_the_catalog_for_venue_staff(client, venues):
    client.force_login(venues.dave)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "venues", "model_name": "event", "field_name": "pool_tracks", "term": "fado"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == [str(venues.tracks[2])]


def run_action(client, action: str, *events):  # noqa: ANN001, ANN002, ANN201
    return client.post(
        admin_url("event_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [event.pk for event in events]},
        follow=True,
    )


def test_activate_and_end_actions_call_the_services_and_report_conflicts(client, venues):
    client.force_login(venues.dave)
    busy = run_action(client, "activate_selected", venues.draft).content.decode()
    assert "Another event is running at this venue; end it first." in busy
    assert Event.objects.get(pk=venues.draft.pk).status == EventStatus.DRAFT

    assert "1 event ended." in run_action(client, "end_selected", venues.night).content.decode()
    assert "1 event activated." in run_action(client, "activate_selected", venues.draft).content.decode()
    assert Event.objects.get(pk=venues.night.pk).status == EventStatus.ENDED
    assert Event.objects.get(pk=venues.draft.pk).status == EventStatus.ACTIVE


def test_actions_never_reach_another_venues_events(client, venues):
    client.force_login(venues.dave)
    run_action(client, "end_selected", venues.theirs)
    assert Event.objects.get(pk=venues.theirs.pk).status == EventStatus.ACTIVE


def test_the_live_queue_shows_now_playing_and_the_queue(client, venues):
    queue(venues.night, venues.tracks)
    services.play_next(venues.night, actor=venues.dave)
    client.force_login(venues.dave)
    html = client.get(admin_url("event_live", venues.night.pk)).content.decode()
    assert f'data-event-socket="/ws/events/{venues.night.pk}/"' in html
    now, _, rest = html.partition('data-list="queue"')
    assert "Lisboa Menina" in now
    assert rest.index("Rua Escura") < rest.index("Fado do Cais")


def playing(event) -> str | None:  # noqa: ANN001
    entry = QueueEntry.objects.filter(event=event, status=EntryStatus.PLAYING).select_related("track").first()
    return entry.track.title if entry else None


def test_the_live_queues_buttons_run_next_skip_veto_and_remove(client, venues):
    queue(venues.night, venues.tracks)
    client.force_login(venues.dave)
    live = admin_url("event_live", venues.night.pk)

    response = client.post(admin_url("event_live_action", venues.night.pk, "next"))
    assert response.status_code == 302 and response["Location"] == live
    assert playing(venues.night) == "Lisboa Menina"

    client.post(admin_url("event_live_action", venues.night.pk, "skip"))
    assert playing(venues.night) == "Rua Escura"
    assert QueueEntry.objects.get(track__title="Lisboa Menina").status == EntryStatus.SKIPPED

    last = QueueEntry.objects.get(track__title="Fado do Cais")
    answer = client.post(
        admin_url("event_live_action", venues.night.pk, "remove"), {"entry": last.pk}, **HTMX
    )
    assert answer.status_code == 200
    assert answer.content.decode().lstrip().startswith('<div id="live">')
    assert "Taken off the queue." in answer.content.decode()
    assert QueueEntry.objects.get(pk=last.pk).status == EntryStatus.REMOVED

    now = QueueEntry.objects.get(status=EntryStatus.PLAYING)
    client.post(admin_url("event_live_action", venues.night.pk, "veto"), {"entry": now.pk})
    assert QueueEntry.objects.get(pk=now.pk).status == EntryStatus.VETOED
    assert playing(venues.night) is None


def test_a_refused_live_action_says_why(client, venues):
    client.force_login(venues.dave)
    response = client.post(admin_url("event_live_action", venues.night.pk, "remove"), {"entry": 0}, **HTMX)
    assert response.status_code == 409
    assert "Only a queued track can be removed." in response.content.decode()
    follow = client.post(admin_url("event_live_action", venues.night.pk, "remove"), {"entry": 0}, follow=True)
    assert "Only a queued track can be removed." in follow.content.decode()
    assert client.get(admin_url("event_live_action", venues.night.pk, "next")).status_code == 405
    assert client.post(admin_url("event_live_action", venues.night.pk, "dance")).status_code == 404


def test_the_veto_question_counts_its_window_in_the_singular_too(client, venues):
    queue(venues.night, venues.tracks)
    Event.objects.filter(pk=venues.night.pk).update(veto_window_minutes=1)
    client.force_login(venues.dave)
    html = client.get(admin_url("event_live", venues.night.pk)).content.decode()
    assert "It cannot be requested again for 1 minute." in html
    assert "1 minutes" not in html
