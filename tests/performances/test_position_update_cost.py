"""A position update reads the performance's stops once, and counts its live update (each
group's number, and the versions of the nearby answers it retires) in one round trip."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import realtime
from apps.performances import nearby, services
from apps.performances.cells import map_group
from apps.performances.events import cells_of, performance_group
from apps.performances.models import Performance
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def performance():
    artist = ArtistProfileFactory()
    live = services.go_live(plan(artist, -5, 60, 120), actor=artist.user)
    return services.update_position(live, actor=artist.user, lat=38.7139, lng=-9.1394)


def move(performance):  # noqa: ANN001, ANN201
    performance = Performance.objects.get(pk=performance.pk)  # as a request finds it
    later = timezone.now() + timedelta(seconds=10)
    user = performance.artist.user
    return services.update_position(performance, actor=user, lat=38.7139, lng=-9.1294, now=later)


def test_a_position_update_reads_the_stops_once(performance, django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        move(performance)
    stop_reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and "performances_stop" in q["sql"]
    ]
    assert len(stop_reads) == 1, stop_reads


def test_a_position_update_counts_everything_in_one_call(
    performance, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[dict[str, int]] = []
    real = realtime.increment_many

    def counted(starts: dict[str, int]) -> dict[str, int]:
        calls.append(starts)
        return real(starts)

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a counter incremented on its own, in a round trip of its own")

    monkeypatch.setattr(realtime, "increment_many", counted)
    monkeypatch.setattr(cache, "incr", refused)
    with django_capture_on_commit_callbacks(execute=True):
        moved = move(performance)

    cells = cells_of(moved) | cells_of(performance)
    groups = {map_group(cell) for cell in cells} | {performance_group(performance.pk)}
    (starts,) = calls
    assert {realtime.seq_key(group) for group in groups} | set(nearby.version_keys(cells)) == set(starts)
