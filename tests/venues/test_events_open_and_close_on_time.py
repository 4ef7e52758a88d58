"""A jukebox night keeps its hours by itself: an event set to open automatically opens for votes
at its start, and every running event closes at its end, with no staff member pressing a
button. A minute's sweep does it; the displays are told like when staff do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.venues import services, tasks
from apps.venues.models import EntryStatus, Event, EventStatus, QueueEntry
from tests.factories import EventFactory, TrackFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshots(monkeypatch) -> list[int]:
    """The events whose displays were sent a new state."""
    from apps.venues import events

    changed: list[int] = []
    monkeypatch.setattr(events, "queue_changed", changed.append)
    return changed


def planned(starts_in_minutes: int, *, hours: int = 3, opens: bool = True, venue=None) -> Event:  # noqa: ANN001
    starts_at = timezone.now() + timedelta(minutes=starts_in_minutes)
    return EventFactory(
        venue=venue or VenueFactory(),
        status=EventStatus.DRAFT,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        opens_automatically=opens,
    )


def test_an_event_set_to_open_by_itself_opens_at_its_start(snapshots):
    event = planned(30)

    with time_machine.travel(event.starts_at - timedelta(seconds=1), tick=False):
        services.open_and_close_due_events()
    assert Event.objects.get(pk=event.pk).status == EventStatus.DRAFT

    with time_machine.travel(event.starts_at, tick=False):
        services.open_and_close_due_events()
    assert Event.objects.get(pk=event.pk).status == EventStatus.ACTIVE
    assert snapshots == [event.pk]


def test_a_draft_not_set_to_open_by_itself_waits_for_its_staff():
    event = planned(30, opens=False)

    with time_machine.travel(event.starts_at + timedelta(minutes=5), tick=False):
        services.open_and_close_due_events()

    assert Event.objects.get(pk=event.pk).status == EventStatus.DRAFT


def test_a_running_event_closes_at_its_end_and_what_was_playing_is_history(snapshots):
    event = EventFactory(tracks=[TrackFactory()])
    entry = QueueEntry.objects.create(
        event=event, track=event.pool_tracks.get(), status=EntryStatus.PLAYING, started_at=timezone.now()
    )

    with time_machine.travel(event.ends_at - timedelta(seconds=1), tick=False):
        services.open_and_close_due_events()
    assert Event.objects.get(pk=event.pk).status == EventStatus.ACTIVE

    with time_machine.travel(event.ends_at + timedelta(seconds=30), tick=False):
        services.open_and_close_due_events()
    assert Event.objects.get(pk=event.pk).status == EventStatus.ENDED
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PLAYED
    assert snapshots == [event.pk]


def test_a_night_whose_hours_passed_while_it_was_a_draft_stays_a_draft():
    # Nobody was there to run it: opening it now would take votes after its end.
    event = planned(30, hours=1)

    with time_machine.travel(event.ends_at + timedelta(minutes=1), tick=False):
        services.open_and_close_due_events()

    assert Event.objects.get(pk=event.pk).status == EventStatus.DRAFT


def test_an_event_opens_after_the_one_before_it_at_the_venue_closes():
    venue = VenueFactory()
    earlier = EventFactory(venue=venue, ends_at=timezone.now() + timedelta(minutes=10))
    later = planned(5, venue=venue)

    # Its start came while the earlier night still ran: the venue runs one event at a time.
    with time_machine.travel(later.starts_at, tick=False):
        services.open_and_close_due_events()
    assert Event.objects.get(pk=later.pk).status == EventStatus.DRAFT

    with time_machine.travel(earlier.ends_at, tick=False):
        services.open_and_close_due_events()
    assert Event.objects.get(pk=earlier.pk).status == EventStatus.ENDED
    assert Event.objects.get(pk=later.pk).status == EventStatus.ACTIVE


def test_guests_can_vote_once_it_opened_by_itself():
    track = TrackFactory()
    event = planned(1)
    event.pool_tracks.add(track)

    with time_machine.travel(event.starts_at + timedelta(seconds=5), tick=False):
        services.open_and_close_due_events()
        guest = services.guest_for(event)
        entry = services.cast_vote(Event.objects.get(pk=event.pk), track.pk, guest=guest)

    assert entry.votes == 1


def test_the_sweep_runs_every_minute(settings):
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "apps.venues.tasks.open_and_close_events"
    )
    assert entry["schedule"] <= 60
    event = planned(1)

    with time_machine.travel(event.starts_at, tick=False):
        tasks.open_and_close_events.apply()

    assert Event.objects.get(pk=event.pk).status == EventStatus.ACTIVE
