from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.errors import Conflict
from apps.performances import services
from apps.performances.models import Performance, Stop
from tests.factories import AreaFactory, UserFactory, square
from tests.performances.helpers import route, stop

pytestmark = pytest.mark.django_db


def create(artist, stops, **extra):
    return services.create_performance(
        artist, actor=artist.user, title=extra.pop("title", "Evening set"), stops=stops, **extra
    )


def error_text(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def assert_refused(artist, stops, field: str, words: str):
    with pytest.raises(ValidationError) as error:
        create(artist, stops)
    assert field in error.value.message_dict
    assert words in error_text(error.value)
    assert not Performance.objects.exists()
    assert not Stop.objects.exists()


def test_a_route_is_stored_in_order_with_each_stops_area(artist):
    alfama = AreaFactory(slug="alfama", boundary=square(38.712, -9.130, 0.005))
    stops = route(60, 120)
    stops[0].update(lat=38.712, lng=-9.130)
    performance = create(artist, stops)
    saved = list(performance.stops.order_by("order"))
    assert [s.order for s in saved] == [1, 2]
    assert saved[0].area == alfama
    assert saved[1].area is None


def test_a_route_has_one_to_five_stops(artist):
    assert_refused(artist, [], "stops", "1 to 5 stops")
    assert_refused(artist, route(0, 60, 120, 180, 240, 300), "stops", "1 to 5 stops")


def test_each_stop_ends_after_it_starts(artist):
    bad = stop(timezone.now(), minutes=0)
    assert_refused(artist, [bad], "stops", "Stop 1: ends_at must be after starts_at")


def test_stops_are_in_time_order(artist):
    assert_refused(artist, route(120, 0), "stops", "Stop 2 starts before stop 1")


def test_stops_may_not_overlap_even_partly(artist):
    assert_refused(artist, route(0, 30), "stops", "Stop 2 overlaps stop 1")
    # Touching is fine: one ends as the next begins.
    create(artist, route(0, 60))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("lat", 91, "lat must be between -90 and 90"),
        ("lng", -181, "lng must be between -180 and 180"),
        ("lat", "north", "lat must be a number"),
    ],
)
def test_coordinates_are_range_checked(artist, field, value, words):
    bad = route(0)
    bad[0][field] = value
    assert_refused(artist, bad, "stops", words)


def test_a_place_name_is_required(artist):
    bad = route(0)
    bad[0]["place_name"] = "  "
    assert_refused(artist, bad, "stops", "place_name is required")


@pytest.mark.parametrize(("title", "words"), [("", "1 to 100"), ("x" * 101, "1 to 100")])
def test_title_has_1_to_100_characters(artist, title, words):
    with pytest.raises(ValidationError) as error:
        create(artist, route(0), title=title)
    assert words in error.value.message_dict["title"][0]
    assert not Performance.objects.exists()


def test_description_has_at_most_500_characters(artist):
    with pytest.raises(ValidationError) as error:
        create(artist, route(0), description="x" * 501)
    assert "description" in error.value.message_dict


def test_only_the_owner_plans_and_edits(artist):
    with pytest.raises(PermissionDenied):
        services.create_performance(artist, actor=UserFactory(), title="Mine now", stops=route(0))
    performance = create(artist, route(60))
    with pytest.raises(PermissionDenied):
        services.update_performance(performance, actor=UserFactory(), title="Hijacked")
    performance.refresh_from_db()
    assert performance.title == "Evening set"


def test_a_live_performance_keeps_its_started_stops(artist):
    now = timezone.now()
    performance = create(artist, [stop(now - timedelta(minutes=10)), stop(now + timedelta(hours=2))])
    services.go_live(performance, actor=artist.user)
    rewritten = [stop(now - timedelta(minutes=5)), stop(now + timedelta(hours=3))]
    with pytest.raises(Conflict) as error:
        services.update_performance(performance, actor=artist.user, stops=rewritten)
    assert "already started" in error.value.message
    kept = [stop(now - timedelta(minutes=10)), stop(now + timedelta(hours=3), place="New corner")]
    services.update_performance(performance, actor=artist.user, stops=kept)
    assert list(performance.stops.order_by("order").values_list("place_name", flat=True)) == [
        "Rossio",
        "New corner",
    ]


def test_a_finished_performance_cannot_change_its_route(artist):
    performance = create(artist, route(60))
    services.cancel_performance(performance, actor=artist.user)
    with pytest.raises(Conflict):
        services.update_performance(performance, actor=artist.user, stops=route(90))
    assert performance.stops.get().place_name == "Stop 1"


def test_only_a_scheduled_performance_can_be_deleted(artist):
    performance = create(artist, route(-10))
    services.go_live(performance, actor=artist.user)
    with pytest.raises(Conflict):
        services.delete_performance(performance, actor=artist.user)
    assert Performance.objects.filter(pk=performance.pk).exists()
    plan = create(artist, route(600))
    services.delete_performance(plan, actor=artist.user)
    assert not Performance.objects.filter(pk=plan.pk).exists()


def test_a_stop_lasts_at_most_12_hours(artist):
    assert_refused(
        artist, [stop(timezone.now(), minutes=12 * 60 + 1)], "stops", "a stop lasts at most 12 hours"
    )
    create(artist, [stop(timezone.now(), minutes=12 * 60)])
