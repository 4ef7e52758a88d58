from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.errors import Conflict, RateLimited
from apps.performances import services
from apps.performances.models import Like, View
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import route

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title="Set", stops=route(0))
    return services.go_live(performance, actor=artist.user)


def move(performance, lat, lng):
    return services.update_position(performance, actor=performance.artist.user, lat=lat, lng=lng)


def test_position_updates_at_most_every_5_seconds(live):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        move(live, 38.7140, -9.1390)
        clock.shift(timedelta(seconds=2))
        with pytest.raises(RateLimited) as error:
            move(live, 38.7150, -9.1380)
        assert error.value.retry_after == 3
        live.refresh_from_db()
        assert (live.position_lat, live.position_lng) == (38.7140, -9.1390)
        clock.shift(timedelta(seconds=3))
        move(live, 38.7150, -9.1380)
    live.refresh_from_db()
    assert live.position_lat == 38.7150


def test_a_position_a_little_early_is_accepted_for_clock_and_network_jitter(live):
    # A device that sends every 5.0 s can be measured 4.99 s apart by the server.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        move(live, 38.7140, -9.1390)
        clock.shift(timedelta(seconds=4.99))
        move(live, 38.7150, -9.1380)
    live.refresh_from_db()
    assert (live.position_lat, live.position_lng) == (38.7150, -9.1380)


def test_a_position_beyond_the_tolerance_is_still_too_soon(live, settings):
    settings.POSITION_INTERVAL_SECONDS = 5
    settings.POSITION_EARLY_TOLERANCE_SECONDS = 0.5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        move(live, 38.7140, -9.1390)
        clock.shift(timedelta(seconds=4.4))
        with pytest.raises(RateLimited) as error:
            move(live, 38.7150, -9.1380)
        assert error.value.retry_after == 1
        clock.shift(timedelta(seconds=0.1))
        move(live, 38.7150, -9.1380)
    live.refresh_from_db()
    assert live.position_lat == 38.7150


def test_position_is_range_checked_and_names_the_field(live):
    with pytest.raises(ValidationError) as error:
        move(live, 95, 0)
    assert "lat" in error.value.message_dict


def test_only_a_live_performance_moves():
    artist = ArtistProfileFactory()
    performance = services.create_performance(artist, actor=artist.user, title="Set", stops=route(0))
    with pytest.raises(Conflict):
        move(performance, 38.7, -9.1)


def test_a_fan_likes_once_and_unlike_is_idempotent(live):
    fan = UserFactory()
    for _ in range(3):
        services.like_performance(live, user=fan)
    assert live.like_count == 1
    assert Like.objects.count() == 1
    services.unlike_performance(live, user=fan)
    services.unlike_performance(live, user=fan)
    live.refresh_from_db()
    assert live.like_count == 0


def test_views_count_once_per_visitor_per_hour(live):
    with time_machine.travel(timezone.now().replace(minute=10), tick=False) as clock:
        assert services.record_view(live, visitor="a:1")
        assert not services.record_view(live, visitor="a:1")
        assert services.record_view(live, visitor="a:2")
        clock.shift(timedelta(hours=1))
        assert services.record_view(live, visitor="a:1")
    live.refresh_from_db()
    assert live.view_count == 3
    assert View.objects.count() == 3
