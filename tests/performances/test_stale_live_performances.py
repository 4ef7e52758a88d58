"""A performance left live after its route is over (the phone died, the artist forgot to press
End) ends by itself: once its last stop ended LIVE_GRACE_MINUTES ago and no position came for
as long, a periodic sweep ends it, the map is told, and so is the artist."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.accounts.models import Notification, NotificationKind
from apps.performances import services, tasks
from apps.performances.models import Performance, PerformanceStatus
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db

GRACE = 30


@pytest.fixture(autouse=True)
def grace(settings):
    settings.LIVE_GRACE_MINUTES = GRACE


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, int]]:
    """The live updates the map's sockets would get."""
    from apps.performances import events

    updates: list[tuple[str, int]] = []
    real = events.performance_changed

    def record(performance, event_type, extra_cells=()):  # noqa: ANN001, ANN202
        updates.append((event_type, performance.pk))
        return real(performance, event_type, extra_cells)

    monkeypatch.setattr(events, "performance_changed", record)
    return updates


def live_set(minutes: int = 60) -> Performance:
    """A performance live in a one-hour stop that started ten minutes ago."""
    artist = ArtistProfileFactory()
    performance = plan(artist, -10)
    return services.go_live(performance, actor=artist.user)


def test_a_live_performance_forgotten_after_its_last_stop_ends_by_itself(sent):
    performance = live_set()
    last_end = performance.stops.get().ends_at

    with time_machine.travel(last_end + timedelta(minutes=GRACE + 1), tick=False):
        ended = services.end_stale_performances()

    performance.refresh_from_db()
    assert [p.pk for p in ended] == [performance.pk]
    assert performance.status == PerformanceStatus.COMPLETED
    # It stopped playing when its route did, not when the sweep came by.
    assert performance.ended_at == last_end
    assert performance.stops.get().performance_status == PerformanceStatus.COMPLETED
    assert ("performance.ended", performance.pk) in sent


def test_the_artist_is_told_their_performance_was_ended_for_them():
    performance = live_set()
    last_end = performance.stops.get().ends_at

    with time_machine.travel(last_end + timedelta(minutes=GRACE + 1), tick=False):
        services.end_stale_performances()

    notice = Notification.objects.get(recipient=performance.artist.user)
    assert notice.kind == NotificationKind.PERFORMANCE_ENDED
    assert performance.title in notice.text
    assert notice.url == performance.get_absolute_url()


def test_within_the_grace_after_the_last_stop_it_stays_live():
    performance = live_set()
    last_end = performance.stops.get().ends_at

    with time_machine.travel(last_end + timedelta(minutes=GRACE - 1), tick=False):
        assert services.end_stale_performances() == []

    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.LIVE


def test_a_performer_still_sending_positions_after_the_last_stop_stays_live():
    performance = live_set()
    last_end = performance.stops.get().ends_at
    # Still playing past the plan, and the phone says so.
    Performance.objects.filter(pk=performance.pk).update(position_at=last_end + timedelta(minutes=20))

    with time_machine.travel(last_end + timedelta(minutes=GRACE + 10), tick=False):
        assert services.end_stale_performances() == []

    with time_machine.travel(last_end + timedelta(minutes=20 + GRACE + 1), tick=False):
        assert [p.pk for p in services.end_stale_performances()] == [performance.pk]

    performance.refresh_from_db()
    assert performance.ended_at == last_end + timedelta(minutes=20)


def test_a_later_stop_keeps_it_live_between_stops():
    artist = ArtistProfileFactory()
    performance = plan(artist, -10, 120)
    performance = services.go_live(performance, actor=artist.user)
    first_end = performance.stops.order_by("order").first().ends_at

    with time_machine.travel(first_end + timedelta(minutes=GRACE + 5), tick=False):
        assert services.end_stale_performances() == []


def test_scheduled_and_completed_performances_are_left_alone():
    artist = ArtistProfileFactory()
    scheduled = plan(artist, -10)
    done = live_set()
    services.end_performance(done, actor=done.artist.user)

    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        assert services.end_stale_performances() == []

    assert Performance.objects.get(pk=scheduled.pk).status == PerformanceStatus.SCHEDULED
    assert not Notification.objects.filter(kind=NotificationKind.PERFORMANCE_ENDED).exists()


def test_the_sweep_runs_on_a_schedule(settings):
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "apps.performances.tasks.end_stale_performances"
    )
    assert entry["schedule"] <= 5 * 60
    performance = live_set()
    last_end = performance.stops.get().ends_at

    with time_machine.travel(last_end + timedelta(minutes=GRACE + 1), tick=False):
        tasks.end_stale_performances.apply()

    assert Performance.objects.get(pk=performance.pk).status == PerformanceStatus.COMPLETED


def test_one_that_cannot_be_ended_does_not_keep_the_others_live(monkeypatch):
    first, second = live_set(), live_set()
    last_end = max(p.stops.get().ends_at for p in (first, second))
    real = services._end_if_stale

    def fails_for_first(performance_id, now, grace):  # noqa: ANN001, ANN202
        if performance_id == first.pk:
            raise RuntimeError("the database refused this one")
        return real(performance_id, now, grace)

    monkeypatch.setattr(services, "_end_if_stale", fails_for_first)
    with time_machine.travel(last_end + timedelta(minutes=GRACE + 1), tick=False):
        assert [p.pk for p in services.end_stale_performances()] == [second.pk]

    assert Performance.objects.get(pk=second.pk).status == PerformanceStatus.COMPLETED
