"""The jukebox's voting rules, through the service: each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.errors import Conflict, RateLimited
from apps.core.realtime import current_seq
from apps.venues import services
from apps.venues.events import event_group
from apps.venues.models import EntryStatus, EventStatus, QueueEntry, Vote
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def guests(event, n: int) -> list:
    return [services.guest_for(event) for _ in range(n)]


def state(event) -> tuple:
    """Everything a refused vote must leave as it was."""
    entries = list(
        QueueEntry.objects.filter(event=event)
        .order_by("id")
        .values_list("id", "votes", "reached_at", "status")
    )
    return entries, Vote.objects.filter(event=event).count(), current_seq(event_group(event.pk))


def test_requesting_a_track_is_its_first_vote_and_puts_it_in_the_queue(event, tracks):
    guest = services.guest_for(event)
    entry = services.cast_vote(event, tracks[0].pk, guest=guest)
    assert entry.status == EntryStatus.QUEUED and entry.votes == 1
    assert entry.requested_by == guest


def test_a_repeat_vote_is_409_and_changes_nothing(event, tracks):
    guest = services.guest_for(event)
    services.cast_vote(event, tracks[0].pk, guest=guest)
    before = state(event)
    with pytest.raises(Conflict) as refused:
        services.cast_vote(event, tracks[0].pk, guest=guest)
    assert refused.value.code == "already_voted" and refused.value.field == "track"
    assert state(event) == before


def test_the_queue_puts_most_votes_first_then_who_reached_the_count_first_then_id(event, tracks):
    a, b, c = tracks[:3]
    g1, g2, g3, g4 = guests(event, 4)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        services.cast_vote(event, a.pk, guest=g1)  # a: 1 at t0
        clock.shift(1)
        services.cast_vote(event, b.pk, guest=g2)  # b: 1 at t1
        clock.shift(1)
        services.cast_vote(event, c.pk, guest=g3)  # c: 1 at t2
        clock.shift(1)
        services.cast_vote(event, c.pk, guest=g4)  # c: 2 at t3
        clock.shift(1)
        services.cast_vote(event, b.pk, guest=g1)  # b: 2 at t4: reached 2 after c
    order = list(QueueEntry.objects.filter(event=event).queued().values_list("track_id", flat=True))
    assert order == [c.pk, b.pk, a.pk]


def test_equal_counts_reached_at_the_same_instant_fall_back_to_id(event, tracks):
    g1, g2 = guests(event, 2)
    with time_machine.travel(timezone.now(), tick=False):
        first = services.cast_vote(event, tracks[1].pk, guest=g1)
        second = services.cast_vote(event, tracks[0].pk, guest=g2)
    order = list(QueueEntry.objects.filter(event=event).queued().values_list("pk", flat=True))
    assert order == [first.pk, second.pk]


def test_the_cooldown_is_429_with_retry_after_and_expires(event, tracks):
    event.vote_cooldown_seconds = 30
    event.save()
    guest = services.guest_for(event)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        services.cast_vote(event, tracks[0].pk, guest=guest)
        clock.shift(10)
        before = state(event)
        with pytest.raises(RateLimited) as refused:
            services.cast_vote(event, tracks[1].pk, guest=guest)
        assert refused.value.retry_after == 20
        assert state(event) == before
        clock.shift(20)
        assert services.cast_vote(event, tracks[1].pk, guest=guest).votes == 1


def test_the_hourly_cap_is_429_until_the_oldest_vote_is_an_hour_old(event, tracks):
    event.votes_per_guest_per_hour = 2
    event.save()
    guest = services.guest_for(event)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        services.cast_vote(event, tracks[0].pk, guest=guest)
        clock.shift(60)
        services.cast_vote(event, tracks[1].pk, guest=guest)
        clock.shift(60)
        with pytest.raises(RateLimited) as refused:
            services.cast_vote(event, tracks[2].pk, guest=guest)
        assert refused.value.retry_after == 3600 - 120
        clock.shift(3600 - 120 + 1)
        assert services.cast_vote(event, tracks[2].pk, guest=guest).votes == 1


def test_a_network_cap_stops_a_flood_from_one_address(event, tracks, settings):
    settings.EVENT_VOTES_PER_NETWORK_PER_MINUTE = 2
    g1, g2, g3 = guests(event, 3)
    services.cast_vote(event, tracks[0].pk, guest=g1, network="10.0.0.1")
    services.cast_vote(event, tracks[0].pk, guest=g2, network="10.0.0.1")
    with pytest.raises(RateLimited):
        services.cast_vote(event, tracks[0].pk, guest=g3, network="10.0.0.1")
    # Another network is not affected.
    assert services.cast_vote(event, tracks[0].pk, guest=g3, network="10.0.0.2").votes == 3


def test_votes_on_the_playing_or_a_played_track_are_409(event, tracks, staff):
    g1, g2 = guests(event, 2)
    services.cast_vote(event, tracks[0].pk, guest=g1)
    services.play_next(event, actor=staff)
    with pytest.raises(Conflict) as playing:
        services.cast_vote(event, tracks[0].pk, guest=g2)
    assert playing.value.code == "track_playing"
    services.play_next(event, actor=staff)
    with pytest.raises(Conflict) as played:
        services.cast_vote(event, tracks[0].pk, guest=g2)
    assert played.value.code == "track_played"


def test_a_vetoed_track_cannot_return_within_the_veto_window(event, tracks, staff):
    event.veto_window_minutes = 30
    event.save()
    g1, g2 = guests(event, 2)
    entry = services.cast_vote(event, tracks[0].pk, guest=g1)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        services.veto(event, entry.pk, actor=staff)
        clock.shift(29 * 60)
        with pytest.raises(Conflict) as refused:
            services.cast_vote(event, tracks[0].pk, guest=g2)
        assert refused.value.code == "track_vetoed"
        clock.shift(2 * 60)
        again = services.cast_vote(event, tracks[0].pk, guest=g2)
    assert again.pk != entry.pk and again.votes == 1


def test_an_event_that_is_not_active_takes_no_votes(event, tracks):
    guest = services.guest_for(event)
    for status in (EventStatus.DRAFT, EventStatus.ENDED):
        event.status = status
        event.save()
        with pytest.raises(Conflict) as refused:
            services.cast_vote(event, tracks[0].pk, guest=guest)
        assert refused.value.code == "event_not_active"
    assert not Vote.objects.exists()


def test_a_track_outside_the_pool_is_refused_naming_the_field(event):
    outside = TrackFactory()
    hidden = TrackFactory(hidden=True)
    event.pool_tracks.add(hidden)
    guest = services.guest_for(event)
    for track in (outside, hidden):
        with pytest.raises(ValidationError) as refused:
            services.cast_vote(event, track.pk, guest=guest)
        assert "track" in refused.value.message_dict


def test_a_guest_of_another_event_cannot_vote_here(event, tracks):
    other = EventFactory()
    with pytest.raises(PermissionDenied):
        services.cast_vote(event, tracks[0].pk, guest=services.guest_for(other))


def test_a_signed_in_fan_is_one_guest_per_event(event):
    fan = UserFactory()
    assert services.guest_for(event, user=fan) == services.guest_for(event, user=fan)


def test_next_moves_the_playing_track_to_the_history_and_plays_the_top(event, tracks, staff):
    g1, g2 = guests(event, 2)
    services.cast_vote(event, tracks[0].pk, guest=g1)
    services.cast_vote(event, tracks[1].pk, guest=g1)
    services.cast_vote(event, tracks[1].pk, guest=g2)
    first = services.play_next(event, actor=staff)
    assert first.track == tracks[1]
    second = services.play_next(event, actor=staff)
    assert second.track == tracks[0]
    history = list(QueueEntry.objects.filter(event=event).history().values_list("track_id", flat=True))
    assert history == [tracks[1].pk]
    assert not QueueEntry.objects.filter(event=event).queued().exists()


def test_a_repeated_end_report_advances_once(event, tracks, staff):
    g1 = services.guest_for(event)
    services.cast_vote(event, tracks[0].pk, guest=g1)
    services.cast_vote(event, tracks[1].pk, guest=g1)
    playing = services.play_next(event, actor=staff)
    nxt = services.track_ended(event, playing.pk, actor=staff)
    assert services.track_ended(event, playing.pk, actor=staff) == nxt
    assert QueueEntry.objects.get(pk=nxt.pk).status == EntryStatus.PLAYING


def test_skip_remove_and_veto_are_for_the_venues_own_staff(event, tracks):
    stranger = UserFactory()
    other_staff = UserFactory()
    VenueFactory(staff=[other_staff])
    entry = services.cast_vote(event, tracks[0].pk, guest=services.guest_for(event))
    for actor in (None, stranger, other_staff):
        for act in (
            lambda a: services.skip(event, actor=a),
            lambda a: services.play_next(event, actor=a),
            lambda a: services.veto(event, entry.pk, actor=a),
            lambda a: services.remove(event, entry.pk, actor=a),
        ):
            with pytest.raises(PermissionDenied):
                act(actor)
    assert QueueEntry.objects.get(pk=entry.pk).status == EntryStatus.QUEUED


def test_a_venue_runs_one_event_at_a_time(event, staff):
    draft = EventFactory(venue=event.venue, status=EventStatus.DRAFT)
    with pytest.raises(Conflict) as refused:
        services.activate_event(draft, actor=staff)
    assert refused.value.code == "venue_busy"
    services.end_event(event, actor=staff)
    assert services.activate_event(draft, actor=staff).status == EventStatus.ACTIVE


def test_the_qr_code_rotates_and_an_old_one_stops_working(event):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        token = services.qr_token(event)
        assert services.check_qr_token(event, token)
        clock.shift(timedelta(minutes=10))
        assert services.check_qr_token(event, token)  # just turned: still good
        clock.shift(timedelta(minutes=10))
        assert not services.check_qr_token(event, token)
    assert not services.check_qr_token(EventFactory(), services.qr_token(event))


def test_a_track_added_to_or_removed_from_the_pool_counts_at_once(event, tracks):
    guest = services.guest_for(event)
    newcomer = TrackFactory()
    with pytest.raises(ValidationError):
        services.cast_vote(event, newcomer.pk, guest=guest)
    event.pool_tracks.add(newcomer)
    assert services.cast_vote(event, newcomer.pk, guest=guest).votes == 1
    event.pool_tracks.remove(tracks[0])
    with pytest.raises(ValidationError):
        services.cast_vote(event, tracks[0].pk, guest=services.guest_for(event))
    # A whole genre joins the pool.
    from tests.factories import GenreFactory

    genre = GenreFactory()
    jazz = TrackFactory(genre=genre)
    event.pool_genres.add(genre)
    assert services.cast_vote(event, jazz.pk, guest=services.guest_for(event)).votes == 1


def test_a_vote_for_an_event_deleted_meanwhile_is_refused_and_changes_nothing(event, tracks, monkeypatch):
    guest = services.guest_for(event)
    pool = services.provider_for(event)

    class DeletedWhileLookingUp:
        def track(self, event, track_id):  # noqa: ANN001, ANN202
            found = pool.track(event, track_id)
            type(event).objects.filter(pk=event.pk).delete()  # before the vote takes its lock
            return found

    monkeypatch.setattr(services, "provider_for", lambda event: DeletedWhileLookingUp())

    with pytest.raises(Conflict) as refused:
        services.cast_vote(event, tracks[0].pk, guest=guest)

    assert refused.value.code == "event_not_active"
    assert not Vote.objects.exists()
