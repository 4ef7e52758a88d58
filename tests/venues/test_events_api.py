"""The events API: who sees which event, the guest token, every voting rule with its exact
answer, the pool, the queue's order and the staff's controls."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from apps.core.realtime import current_seq
from apps.venues import services
from apps.venues.events import event_group
from apps.venues.models import EntryStatus, EventStatus, Guest, QueueEntry, Vote
from tests.factories import (
    ArtistProfileFactory,
    EventFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

SCAN_TO_VOTE = "Scan the code on the venue's screen to vote."


@pytest.fixture
def other_staff():
    """Staff of another venue, who must not learn that this venue's events exist."""
    user = UserFactory()
    VenueFactory(staff=[user])
    return user


def url(event, action: str = "") -> str:
    return f"/api/v1/events/{event.pk}/" + (f"{action}/" if action else "")


def guest_client(api, event):  # noqa: ANN001, ANN201
    """An anonymous visitor who scanned the display's code; their client sends the guest token."""
    response = api.post(url(event, "guest"), {"token": services.qr_token(event)}, format="json")
    assert response.status_code == 200, response.json()
    api.credentials(HTTP_X_GUEST_TOKEN=response.json()["guest_token"])
    return api


def vote(client, event, track):  # noqa: ANN001, ANN201
    return client.post(url(event, "votes"), {"track": track.pk}, format="json")


def rows(event) -> tuple:
    """Everything a refused vote must leave as it was."""
    entries = list(
        QueueEntry.objects.filter(event=event)
        .order_by("id")
        .values_list("id", "votes", "reached_at", "status")
    )
    return entries, Vote.objects.filter(event=event).count(), current_seq(event_group(event.pk))


# --- who sees which event --------------------------------------------------------------------


def test_anyone_lists_public_events_and_staff_also_see_their_own_venues_drafts(api_as, event, staff):
    ended = EventFactory(venue=event.venue, status=EventStatus.ENDED)
    draft = EventFactory(venue=event.venue, status=EventStatus.DRAFT)
    elsewhere = EventFactory(status=EventStatus.DRAFT)

    def listed(user) -> set[int]:  # noqa: ANN001
        response = api_as(user).get("/api/v1/events/")
        assert response.status_code == 200
        return {e["id"] for e in response.json()["results"]}

    assert listed(None) == listed(UserFactory()) == {event.pk, ended.pk}
    assert listed(staff) == {event.pk, ended.pk, draft.pk}
    assert elsewhere.pk not in listed(staff)


def test_a_venues_staff_listed_once_however_many_work_there(api_as, event, staff):
    event.venue.staff.add(UserFactory(), UserFactory())
    ids = [e["id"] for e in api_as(staff).get("/api/v1/events/").json()["results"]]
    assert ids == [event.pk]


def test_the_list_filters_by_venue_and_status(api, event):
    ended = EventFactory(venue=event.venue, status=EventStatus.ENDED)
    EventFactory()
    by_venue = api.get(f"/api/v1/events/?venue={event.venue.slug}").json()["results"]
    assert {e["id"] for e in by_venue} == {event.pk, ended.pk}
    assert by_venue[0]["venue"] == {"slug": event.venue.slug, "name": event.venue.name}
    by_status = api.get(f"/api/v1/events/?venue={event.venue.slug}&status=ended").json()["results"]
    assert [e["id"] for e in by_status] == [ended.pk]


@pytest.mark.parametrize("value", ["", "paused"])
def test_an_empty_or_unknown_status_is_a_400_naming_status(api, value):
    response = api.get(f"/api/v1/events/?status={value}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status"}


def test_another_venues_draft_is_404_and_its_own_staff_open_it(api_as, staff, other_staff):
    draft = EventFactory(venue=VenueFactory(staff=[staff]), status=EventStatus.DRAFT)
    for user in (None, UserFactory(), other_staff):
        for action in ("", "queue", "pool"):
            assert api_as(user).get(url(draft, action)).status_code == 404
    assert api_as(staff).get(url(draft)).json()["status"] == "draft"


# --- the guest token -------------------------------------------------------------------------


def test_a_scanned_code_gives_a_guest_token_that_votes(api, event, tracks):
    client = guest_client(api, event)
    response = vote(client, event, tracks[0])
    assert response.status_code == 201, response.json()
    body = response.json()
    entry = QueueEntry.objects.get(event=event, track=tracks[0])
    assert body["entry"] == {"id": entry.pk, "track": tracks[0].pk, "votes": 1}
    assert body["seq"] == current_seq(event_group(event.pk))
    queue = api.get(url(event, "queue")).json()
    assert [e["id"] for e in queue["queue"]] == [entry.pk]
    assert queue["event"] == {"id": event.pk, "status": "active"}
    assert queue["now_playing"] is None and queue["history"] == []
    assert body["seq"] == current_seq(event_group(event.pk))
    vote_row = Vote.objects.get()
    assert vote_row.guest.user is None and vote_row.user is None


def test_a_code_two_periods_old_is_a_400_naming_token(api, event):
    start = timezone.now()
    period = settings.EVENT_QR_ROTATE_SECONDS
    with time_machine.travel(start, tick=False) as clock:
        token = services.qr_token(event)
        clock.shift(period)
        assert api.post(url(event, "guest"), {"token": token}, format="json").status_code == 200
        clock.shift(period)
        response = api.post(url(event, "guest"), {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"token": ["This code has expired. Scan the one on the screen now."]}
    assert Guest.objects.count() == 1


@pytest.mark.parametrize("token", ["", "not-a-code"])
def test_a_missing_or_forged_code_is_a_400_naming_token(api, event, token):
    response = api.post(url(event, "guest"), {"token": token}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"token"}
    assert not Guest.objects.exists()


def test_the_code_of_another_event_does_not_open_this_one(api, event):
    other = EventFactory()
    response = api.post(url(event, "guest"), {"token": services.qr_token(other)}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"token"}


def test_a_guest_token_of_another_event_is_403(api, event, tracks):
    other = EventFactory(tracks=tracks)
    client = guest_client(api, other)
    response = vote(client, event, tracks[0])
    assert response.status_code == 403
    assert response.json()["detail"] == SCAN_TO_VOTE
    assert not Vote.objects.exists()


@pytest.mark.parametrize("token", [None, "made-up"])
def test_an_anonymous_caller_without_a_valid_guest_token_is_told_to_scan(api, event, tracks, token):
    if token:
        api.credentials(HTTP_X_GUEST_TOKEN=token)
    response = vote(api, event, tracks[0])
    assert response.status_code == 403
    assert response.json() == {"detail": SCAN_TO_VOTE, "code": "guest_required", "errors": {}}
    assert not Vote.objects.exists() and not Guest.objects.exists()


def test_a_signed_in_fan_votes_as_themselves_with_or_without_a_token(api_as, event, tracks):
    fan = UserFactory()
    client = api_as(fan)
    assert vote(client, event, tracks[0]).status_code == 201
    token = client.post(url(event, "guest"), {"token": services.qr_token(event)}, format="json")
    client.credentials(HTTP_X_GUEST_TOKEN=token.json()["guest_token"])
    assert vote(client, event, tracks[1]).status_code == 201
    guest = Guest.objects.get()
    assert guest.user == fan
    assert set(Vote.objects.values_list("guest_id", "user_id")) == {(guest.pk, fan.pk)}


def test_a_vote_body_that_is_not_a_track_id_is_a_400_naming_track(api_as, event):
    client = api_as(UserFactory())
    for body in ({}, {"track": "first"}, {"track": 0}, {"track": 2**64}):
        response = client.post(url(event, "votes"), body, format="json")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"track"}
    assert not Vote.objects.exists()


# --- the voting rules, through the API ---------------------------------------------------------


def test_a_repeat_vote_is_409_naming_track_and_changes_nothing(
    api, event, tracks, django_capture_on_commit_callbacks
):
    client = guest_client(api, event)
    with django_capture_on_commit_callbacks(execute=True):
        assert vote(client, event, tracks[0]).status_code == 201
    before = rows(event)
    assert before[2] >= 1  # the first vote went out to the event's sockets

    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = vote(client, event, tracks[0])
    assert response.status_code == 409
    message = "You already voted for this track."
    assert response.json() == {"detail": message, "code": "already_voted", "errors": {"track": [message]}}
    assert sent == []
    assert rows(event) == before


def test_the_cooldown_is_429_with_retry_after(api, event, tracks):
    event.vote_cooldown_seconds = 30
    event.save()
    client = guest_client(api, event)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert vote(client, event, tracks[0]).status_code == 201
        clock.shift(10)
        before = rows(event)
        response = vote(client, event, tracks[1])
        assert response.status_code == 429
        assert response["Retry-After"] == "20"
        assert response.json() == {"detail": "Vote again in 20 s.", "code": "vote_cooldown", "errors": {}}
        assert rows(event) == before
        clock.shift(20)
        assert vote(client, event, tracks[1]).status_code == 201


def test_the_hourly_cap_is_429_with_retry_after_until_the_oldest_vote_is_an_hour_old(api, event, tracks):
    event.votes_per_guest_per_hour = 2
    event.save()
    client = guest_client(api, event)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert vote(client, event, tracks[0]).status_code == 201
        clock.shift(60)
        assert vote(client, event, tracks[1]).status_code == 201
        clock.shift(60)
        response = vote(client, event, tracks[2])
        assert response.status_code == 429
        assert response["Retry-After"] == str(3600 - 120)
        assert response.json()["code"] == "vote_hourly_cap"
        assert response.json()["detail"] == "That's 2 votes this hour; vote again in 58 min."
        clock.shift(3600 - 120)
        assert vote(client, event, tracks[2]).status_code == 201


def test_one_address_flooding_votes_is_429_with_retry_after(api, api_as, event, tracks, settings):
    settings.EVENT_VOTES_PER_NETWORK_PER_MINUTE = 2
    fans = [api_as(UserFactory()) for _ in range(3)]
    assert [vote(fan, event, tracks[0]).status_code for fan in fans] == [201, 201, 429]
    response = vote(fans[2], event, tracks[0])
    assert response.json()["code"] == "vote_network_cap"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert QueueEntry.objects.get().votes == 2


def test_votes_for_the_playing_a_played_or_a_vetoed_track_are_409_naming_track(api_as, event, tracks, staff):
    requester, latecomer = api_as(UserFactory()), api_as(UserFactory())
    vote(requester, event, tracks[0])
    vote(requester, event, tracks[1])
    services.play_next(event, actor=staff)  # tracks[0]: requested first, so first to 1 vote
    playing = vote(latecomer, event, tracks[0])
    assert (playing.status_code, playing.json()["code"]) == (409, "track_playing")
    assert playing.json()["errors"] == {"track": ["This track is playing now."]}

    services.play_next(event, actor=staff)
    played = vote(latecomer, event, tracks[0])
    assert (played.status_code, played.json()["code"]) == (409, "track_played")
    assert set(played.json()["errors"]) == {"track"}

    services.veto(event, QueueEntry.objects.get(track=tracks[1], status="playing").pk, actor=staff)
    vetoed = vote(latecomer, event, tracks[1])
    assert (vetoed.status_code, vetoed.json()["code"]) == (409, "track_vetoed")
    assert set(vetoed.json()["errors"]) == {"track"}
    assert Vote.objects.count() == 2


def test_an_ended_event_takes_no_votes_and_no_guests_409_naming_event(api, api_as, event, tracks):
    token = services.qr_token(event)
    event.status = EventStatus.ENDED
    event.save()
    response = vote(api_as(UserFactory()), event, tracks[0])
    assert response.status_code == 409
    assert response.json()["errors"] == {"event": ["This event is not taking votes."]}
    joined = api.post(url(event, "guest"), {"token": token}, format="json")
    assert joined.status_code == 409
    assert set(joined.json()["errors"]) == {"event"}
    assert not Vote.objects.exists()


def test_a_track_outside_the_pool_is_a_400_naming_track(api_as, event):
    response = vote(api_as(UserFactory()), event, TrackFactory())
    assert response.status_code == 400
    assert response.json()["errors"] == {"track": ["This track is not in tonight's pool."]}
    assert not QueueEntry.objects.exists()


# --- the queue and the pool --------------------------------------------------------------------


def test_the_queue_is_most_votes_then_first_to_reach_the_count_then_id(api, event, tracks):
    t = timezone.now()

    def entry(track, votes: int, reached_s: int) -> QueueEntry:  # noqa: ANN001
        return QueueEntry.objects.create(
            event=event, track=track, votes=votes, reached_at=t + timedelta(seconds=reached_s)
        )

    late_two = entry(tracks[0], 2, 30)
    tied_lower_id = entry(tracks[2], 2, 10)
    tied_higher_id = entry(tracks[1], 2, 10)
    three = entry(tracks[3], 3, 50)
    body = api.get(url(event, "queue")).json()
    assert [e["id"] for e in body["queue"]] == [three.pk, tied_lower_id.pk, tied_higher_id.pk, late_two.pk]
    assert [e["votes"] for e in body["queue"]] == [3, 2, 2, 2]
    # Nothing was sent to the event's group: the queue is at its counter's start.
    assert body["seq"] == current_seq(event_group(event.pk)) and body["now_playing"] is None


def test_the_queue_shows_what_plays_with_its_stream_and_the_history(api, api_as, event, tracks, staff):
    fan = api_as(UserFactory())
    vote(fan, event, tracks[0])
    vote(fan, event, tracks[1])
    services.play_next(event, actor=staff)
    services.play_next(event, actor=staff)
    body = api.get(url(event, "queue")).json()
    assert body["now_playing"]["track"]["id"] == tracks[1].pk
    assert body["now_playing"]["track"]["stream_url"].endswith(".m4a")
    assert body["now_playing"]["started_at"]
    assert [e["track"]["id"] for e in body["history"]] == [tracks[0].pk]
    assert body["queue"] == []


def test_the_pool_lists_the_events_tracks_and_searches_titles_and_artists(api, event):
    artist = ArtistProfileFactory(stage_name="Zé Fado", slug="ze-fado")
    song = TrackFactory(artist=artist, title="Saudade", thumbnail="")
    event.pool_tracks.add(song)
    TrackFactory(title="Saudade, not tonight")
    everything = api.get(url(event, "pool")).json()
    assert everything["count"] == 5
    by_title = api.get(url(event, "pool") + "?q=saud").json()["results"]
    by_artist = api.get(url(event, "pool") + "?q=z%C3%A9").json()["results"]
    expected = {
        "id": song.pk,
        "title": "Saudade",
        "artist": {"slug": "ze-fado", "stage_name": "Zé Fado"},
        "duration": 180.0,
        "thumbnail_url": None,
    }
    assert by_title == by_artist == [expected]
    thumbnails = [t["thumbnail_url"] for t in everything["results"] if t["id"] != song.pk]
    assert all(u.endswith(".jpg") for u in thumbnails)


def test_the_pool_is_paged_and_a_bad_page_is_a_400_naming_page(api, event):
    event.pool_tracks.add(*[TrackFactory() for _ in range(50)])
    first = api.get(url(event, "pool")).json()
    assert len(first["results"]) == 50 and first["next"]
    assert len(api.get(first["next"]).json()["results"]) == 4
    for page in ("0", "two"):
        response = api.get(url(event, "pool") + f"?page={page}")
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"page"}


# --- the staff's controls ------------------------------------------------------------------------


def test_staff_play_next_skip_veto_remove_and_report_the_end(api_as, event, tracks, staff):
    fan = api_as(UserFactory())
    for track in tracks:
        vote(fan, event, track)
    entries = {e.track_id: e.pk for e in QueueEntry.objects.all()}
    client = api_as(staff)

    started = client.post(url(event, "next"))
    assert started.status_code == 200
    assert started.json()["now_playing"]["track"]["id"] == tracks[0].pk
    assert started.json()["seq"] == current_seq(event_group(event.pk))

    skipped = client.post(url(event, "skip")).json()
    assert skipped["now_playing"]["track"]["id"] == tracks[1].pk
    assert skipped["history"][0]["status"] == "skipped"

    removed = client.post(url(event, "remove"), {"entry": entries[tracks[3].pk]}, format="json")
    assert removed.status_code == 200
    assert [e["track"]["id"] for e in removed.json()["queue"]] == [tracks[2].pk]

    ended = client.post(url(event, "track-ended"), {"entry": entries[tracks[1].pk]}, format="json").json()
    assert ended["now_playing"]["track"]["id"] == tracks[2].pk
    # A late, repeated report of the same end changes nothing.
    again = client.post(url(event, "track-ended"), {"entry": entries[tracks[1].pk]}, format="json")
    assert again.json()["now_playing"]["track"]["id"] == tracks[2].pk

    vetoed = client.post(url(event, "veto"), {"entry": entries[tracks[2].pk]}, format="json").json()
    assert vetoed["now_playing"] is None
    assert QueueEntry.objects.get(pk=entries[tracks[2].pk]).status == EntryStatus.VETOED


def test_veto_or_remove_of_an_entry_that_is_not_queued_is_409_naming_entry(api_as, event, tracks, staff):
    vote(api_as(UserFactory()), event, tracks[0])
    entry = QueueEntry.objects.get()
    client = api_as(staff)
    client.post(url(event, "remove"), {"entry": entry.pk}, format="json")
    for action in ("remove", "veto"):
        response = client.post(url(event, action), {"entry": entry.pk}, format="json")
        assert response.status_code == 409
        assert set(response.json()["errors"]) == {"entry"}
    response = client.post(url(event, "veto"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"entry"}


def test_staff_of_another_venue_and_fans_get_404_anonymous_401_and_nothing_changes(
    api_as, event, tracks, other_staff
):
    vote(api_as(UserFactory()), event, tracks[0])
    entry = QueueEntry.objects.get()
    calls = [
        ("next", None),
        ("skip", None),
        ("veto", {"entry": entry.pk}),
        ("remove", {"entry": entry.pk}),
        ("track-ended", {"entry": entry.pk}),
    ]
    for user, expected in ((other_staff, 404), (UserFactory(), 404), (None, 401)):
        client = api_as(user)
        for action, body in calls:
            response = client.post(url(event, action), body, format="json")
            assert response.status_code == expected, (action, response.json())
    entry.refresh_from_db()
    assert (entry.status, entry.votes) == (EntryStatus.QUEUED, 1)


def test_the_controls_of_a_draft_are_409_naming_event(api_as, staff):
    draft = EventFactory(venue=VenueFactory(staff=[staff]), status=EventStatus.DRAFT)
    response = api_as(staff).post(url(draft, "next"))
    assert response.status_code == 409
    assert response.json()["errors"] == {"event": ["This event is not running."]}


def test_scanning_again_with_a_guest_token_keeps_the_same_guest_and_its_votes(api, event, tracks):
    first = api.post(url(event, "guest"), {"token": services.qr_token(event)}, format="json").json()[
        "guest_token"
    ]
    api.credentials(HTTP_X_GUEST_TOKEN=first)
    assert vote(api, event, tracks[0]).status_code == 201
    again = api.post(url(event, "guest"), {"token": services.qr_token(event)}, format="json").json()[
        "guest_token"
    ]
    api.credentials(HTTP_X_GUEST_TOKEN=again)
    assert vote(api, event, tracks[0]).status_code == 409
