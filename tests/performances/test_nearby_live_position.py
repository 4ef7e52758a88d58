"""A live performer is nearby by where they are: their shared position, not their stops."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.performances import services
from apps.performances.models import PerformanceStatus
from apps.performances.nearby import NearbyQuery, find
from apps.places.geo import METRES_PER_DEGREE
from tests.factories import ArtistProfileFactory, PerformanceFactory, StopFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db

CENTRE = (38.7139, -9.1394)


def north(metres: float) -> tuple[float, float]:
    return CENTRE[0] + metres / METRES_PER_DEGREE, CENTRE[1]


def live_at(position: tuple[float, float] | None, stop_metres: float, now, **stop):  # noqa: ANN001, ANN003, ANN201
    """A live performance whose stop under way is `stop_metres` north of the centre."""
    lat, lng = position or (None, None)
    performance = PerformanceFactory(status=PerformanceStatus.LIVE, position_lat=lat, position_lng=lng)
    StopFactory(
        performance=performance,
        order=1,
        lat=north(stop_metres)[0],
        lng=CENTRE[1],
        starts_at=stop.get("starts_at", now - timedelta(minutes=10)),
    )
    return performance


def scheduled_at(metres: float, now, starts_in: timedelta = timedelta(minutes=-10)):  # noqa: ANN001, ANN201
    performance = PerformanceFactory()
    StopFactory(
        performance=performance, order=1, lat=north(metres)[0], lng=CENTRE[1], starts_at=now + starts_in
    )
    return performance


def found(when: str, radius_m: float, now) -> list[tuple[int, int]]:  # noqa: ANN001
    return [(r["id"], r["distance_m"]) for r in find(NearbyQuery(*CENTRE, radius_m, when), now=now)]


@pytest.mark.parametrize("when", ["now", "today"])
def test_a_live_performer_150_m_away_is_within_1_km_though_their_stop_is_1_6_km(when):
    now = timezone.now()
    nearer = scheduled_at(100, now)
    live = live_at(north(150), 1600, now)
    farther = scheduled_at(300, now)
    assert found(when, 1000, now) == [(nearer.pk, 100), (live.pk, 150), (farther.pk, 300)]


def test_a_live_performer_found_by_position_shows_the_stop_under_way():
    now = timezone.now()
    live = live_at(north(150), 1600, now)
    [result] = find(NearbyQuery(*CENTRE, 1000, "now"), now=now)
    assert result["position"] == {"lat": north(150)[0], "lng": CENTRE[1]}
    assert result["stop"]["id"] == live.stops.get().pk


@pytest.mark.parametrize("when", ["now", "today"])
def test_a_live_performer_far_outside_the_radius_is_not_within_it_by_a_stop(when):
    now = timezone.now()
    live = live_at(north(5000), 200, now)
    assert found(when, 1000, now) == []
    assert found(when, 6000, now) == [(live.pk, 5000)]


@pytest.mark.parametrize("when", ["now", "today"])
def test_a_live_performer_is_not_within_by_a_stop_still_to_come_either(when):
    now = timezone.now()
    live = live_at(north(5000), 3000, now)
    StopFactory(
        performance=live, order=2, lat=north(200)[0], lng=CENTRE[1], starts_at=now + timedelta(hours=1)
    )
    assert found(when, 1000, now) == []


def test_a_live_performance_without_a_shared_position_falls_back_to_its_stop():
    now = timezone.now()
    live = live_at(None, 200, now)
    assert found("now", 1000, now) == [(live.pk, 200)]
    assert found("today", 1000, now) == [(live.pk, 200)]


# Early afternoon, so that a show two hours later is still "today".
@time_machine.travel("2026-06-06 13:00:00+01:00", tick=False)
def test_scheduled_performances_are_measured_from_their_stops_beside_a_live_one():
    now = timezone.now()
    live = live_at(north(400), 100, now)
    playing = scheduled_at(250, now)
    later = scheduled_at(50, now, starts_in=timedelta(hours=2))
    assert found("now", 1000, now) == [(playing.pk, 250), (live.pk, 400)]
    assert found("today", 1000, now) == [(later.pk, 50), (playing.pk, 250), (live.pk, 400)]
    assert found("upcoming", 1000, now) == [(later.pk, 50)]


def test_a_live_performance_is_not_upcoming_even_by_a_stop_still_to_come():
    now = timezone.now()
    live = live_at(north(150), 1600, now)
    StopFactory(
        performance=live, order=2, lat=north(100)[0], lng=CENTRE[1], starts_at=now + timedelta(hours=2)
    )
    live_at(None, 100, now, starts_at=now + timedelta(minutes=20))
    assert found("upcoming", 1000, now) == []


def test_a_hidden_live_performer_is_not_found_by_position():
    now = timezone.now()
    live = live_at(north(150), 1600, now)
    live.hidden = True
    live.save()
    assert found("now", 1000, now) == []


# The API measures from the centre of the ~100 m tile the point falls in.
TILE = (38.714, -9.139)
FAR = (38.75, -9.139)  # 4 km north


def nearby_url(point: tuple[float, float]) -> str:
    return f"/api/v1/performances/nearby/?lat={point[0]}&lng={point[1]}&radius_km=1&when=now"


def test_the_api_measures_a_live_performer_from_their_position(api, django_capture_on_commit_callbacks):
    artist = ArtistProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        performance = plan(artist, -5)
        performance = services.go_live(performance, actor=artist.user)
        services.update_position(
            performance, actor=artist.user, lat=FAR[0] + 150 / METRES_PER_DEGREE, lng=FAR[1]
        )
    assert api.get(nearby_url(TILE)).json()["results"] == []
    [result] = api.get(nearby_url(FAR)).json()["results"]
    assert (result["id"], result["distance_m"]) == (performance.pk, 150)
    assert result["stop"]["place_name"] == "Stop 1"


def test_a_cached_answer_follows_a_live_performer_who_moves(api, django_capture_on_commit_callbacks):
    artist = ArtistProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        performance = plan(artist, -5)
        performance = services.go_live(performance, actor=artist.user)
    # Both answers cached before the move: one with the performer, one without.
    assert [r["id"] for r in api.get(nearby_url(TILE)).json()["results"]] == [performance.pk]
    assert api.get(nearby_url(FAR)).json()["results"] == []
    with django_capture_on_commit_callbacks(execute=True):
        services.update_position(
            performance, actor=artist.user, lat=FAR[0] + 150 / METRES_PER_DEGREE, lng=FAR[1]
        )
    assert api.get(nearby_url(TILE)).json()["results"] == []
    assert [(r["id"], r["distance_m"]) for r in api.get(nearby_url(FAR)).json()["results"]] == [
        (performance.pk, 150)
    ]
