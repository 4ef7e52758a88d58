from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.core.errors import Conflict
from apps.performances import services
from apps.performances.models import PerformanceStatus
from tests.factories import UserFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


def test_go_live_from_scheduled_within_30_minutes_of_a_stop(artist):
    performance = plan(artist, 25)
    live = services.go_live(performance, actor=artist.user)
    assert live.status == PerformanceStatus.LIVE
    assert live.started_at is not None
    assert (live.position_lat, live.position_lng) == (38.7139, -9.1394)


def test_go_live_too_early_says_when_the_next_stop_starts(artist):
    performance = plan(artist, 45)
    with pytest.raises(Conflict) as error:
        services.go_live(performance, actor=artist.user)
    assert "30 minutes before a stop starts" in error.value.message
    assert "next stop starts at" in error.value.message
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.SCHEDULED


def test_go_live_after_the_last_stop_is_refused(artist):
    performance = plan(artist, 0)
    with time_machine.travel(timezone.now() + timedelta(hours=2)), pytest.raises(Conflict) as error:
        services.go_live(performance, actor=artist.user)
    assert "All its stops are over" in error.value.message


def test_an_artist_has_at_most_one_live_performance(artist):
    first, second = plan(artist, 0), plan(artist, 5)
    services.go_live(first, actor=artist.user)
    with pytest.raises(Conflict) as error:
        services.go_live(second, actor=artist.user)
    assert "already live" in error.value.message
    second.refresh_from_db()
    assert second.status == PerformanceStatus.SCHEDULED


def test_only_the_owner_goes_live_ends_or_cancels(artist):
    performance = plan(artist, 0)
    stranger = UserFactory()
    for action in (services.go_live, services.end_performance, services.cancel_performance):
        with pytest.raises(PermissionDenied):
            action(performance, actor=stranger)
    performance.refresh_from_db()
    assert performance.status == PerformanceStatus.SCHEDULED


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ("scheduled", services.end_performance),
        ("live", services.go_live),
        ("live", services.cancel_performance),
        ("completed", services.go_live),
        ("completed", services.end_performance),
        ("cancelled", services.go_live),
        ("cancelled", services.cancel_performance),
    ],
)
def test_wrong_transitions_are_conflicts_that_change_nothing(artist, setup, action):
    performance = plan(artist, 0)
    if setup in ("live", "completed"):
        services.go_live(performance, actor=artist.user)
    if setup == "completed":
        services.end_performance(performance, actor=artist.user)
    if setup == "cancelled":
        services.cancel_performance(performance, actor=artist.user)
    with pytest.raises(Conflict) as error:
        action(performance, actor=artist.user)
    assert error.value.code == "invalid_transition"
    performance.refresh_from_db()
    assert performance.status == setup


def test_ending_keeps_the_performance_as_history(artist):
    performance = services.go_live(plan(artist, 0), actor=artist.user)
    ended = services.end_performance(performance, actor=artist.user)
    assert ended.status == PerformanceStatus.COMPLETED
    assert ended.ended_at is not None
    assert ended.stops.count() == 1


def test_each_stop_keeps_its_performances_status_through_every_transition(artist):
    performance = plan(artist, 0)
    statuses = lambda: set(performance.stops.values_list("performance_status", flat=True))  # noqa: E731
    assert statuses() == {"scheduled"}
    services.go_live(performance, actor=artist.user)
    assert statuses() == {"live"}
    services.end_performance(performance, actor=artist.user)
    assert statuses() == {"completed"}
    cancelled = plan(artist, 600)
    services.cancel_performance(cancelled, actor=artist.user)
    assert set(cancelled.stops.values_list("performance_status", flat=True)) == {"cancelled"}
