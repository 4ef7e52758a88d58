from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.performances import services
from apps.performances.models import Performance, Stop
from tests.factories import ArtistProfileFactory, GenreFactory, UserFactory
from tests.performances.helpers import plan, route

pytestmark = pytest.mark.django_db


def as_json(stops):
    return [
        {**s, "starts_at": s["starts_at"].isoformat(), "ends_at": s["ends_at"].isoformat()} for s in stops
    ]


def test_an_artist_creates_a_performance_with_nested_stops(api_as, artist):
    GenreFactory(slug="jazz", name="Jazz")
    response = api_as(artist.user).post(
        "/api/v1/performances/",
        {"title": "Sunset set", "genre": "jazz", "stops": as_json(route(60, 120))},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "scheduled"
    assert [s["order"] for s in body["stops"]] == [1, 2]
    assert body["genre"] == "jazz"


@pytest.mark.parametrize("genre", ["\x00\x14", "rock n roll", 7, ["jazz"]])
def test_a_genre_that_cannot_be_a_slug_is_a_400_naming_genre(api_as, artist, genre):
    GenreFactory(slug="jazz", name="Jazz")
    response = api_as(artist.user).post(
        "/api/v1/performances/", {"title": "Set", "genre": genre, "stops": as_json(route(60))}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"genre"}
    assert not Performance.objects.exists()


def test_a_route_rule_is_a_400_naming_stops_and_nothing_is_stored(api_as, artist):
    response = api_as(artist.user).post(
        "/api/v1/performances/", {"title": "Overlap", "stops": as_json(route(0, 30))}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["stops"] == ["Stop 2 overlaps stop 1: it starts before that one ends."]
    assert not Performance.objects.exists()


def test_a_bad_stop_field_is_named_inside_the_stop(api_as, artist):
    stops = as_json(route(0))
    stops[0]["lat"] = 123
    response = api_as(artist.user).post(
        "/api/v1/performances/", {"title": "X", "stops": stops}, format="json"
    )
    assert response.status_code == 400
    assert "lat" in response.json()["errors"]["stops"]["0"]


def test_a_fan_without_an_artist_profile_cannot_plan(api_as):
    response = api_as(UserFactory()).post(
        "/api/v1/performances/", {"title": "X", "stops": as_json(route(0))}, format="json"
    )
    assert response.status_code == 403
    assert "artist profile" in response.json()["detail"]


def test_strangers_cannot_edit_delete_go_live_move_or_end(api_as, artist):
    performance = plan(artist, 0)
    stranger = api_as(ArtistProfileFactory().user)
    base = f"/api/v1/performances/{performance.pk}"
    attempts = [
        stranger.patch(f"{base}/", {"title": "Mine"}, format="json"),
        stranger.delete(f"{base}/"),
        stranger.post(f"{base}/go-live/"),
        stranger.post(f"{base}/position/", {"lat": 38.7, "lng": -9.1}, format="json"),
        stranger.post(f"{base}/end/"),
        stranger.post(f"{base}/cancel/"),
    ]
    assert [r.status_code for r in attempts] == [403] * 6
    performance.refresh_from_db()
    assert (performance.title, performance.status) == ("Set", "scheduled")


def test_a_wrong_transition_is_409_with_the_reason(api_as, artist):
    performance = plan(artist, 0)
    response = api_as(artist.user).post(f"/api/v1/performances/{performance.pk}/end/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["errors"] == {"status": ["A scheduled performance cannot end (only a live one can)."]}


def test_position_too_soon_is_429_with_retry_after_and_not_stored(api_as, artist):
    performance = plan(artist, 0)
    client = api_as(artist.user)
    assert client.post(f"/api/v1/performances/{performance.pk}/go-live/").status_code == 200
    url = f"/api/v1/performances/{performance.pk}/position/"
    assert client.post(url, {"lat": 38.71, "lng": -9.14}, format="json").status_code == 200
    response = client.post(url, {"lat": 38.72, "lng": -9.15}, format="json")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 5
    performance.refresh_from_db()
    assert performance.position_lat == 38.71


def test_a_position_4_99_seconds_after_the_last_is_accepted(api_as, artist):
    performance = plan(artist, 0)
    client = api_as(artist.user)
    client.post(f"/api/v1/performances/{performance.pk}/go-live/")
    url = f"/api/v1/performances/{performance.pk}/position/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.post(url, {"lat": 38.71, "lng": -9.14}, format="json").status_code == 200
        clock.shift(timedelta(seconds=4.99))
        response = client.post(url, {"lat": 38.72, "lng": -9.15}, format="json")
    assert response.status_code == 200, response.json()
    performance.refresh_from_db()
    assert (performance.position_lat, performance.position_lng) == (38.72, -9.15)


def test_a_position_2_seconds_after_the_last_is_429_saying_when_to_retry(api_as, artist):
    performance = plan(artist, 0)
    client = api_as(artist.user)
    client.post(f"/api/v1/performances/{performance.pk}/go-live/")
    url = f"/api/v1/performances/{performance.pk}/position/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(url, {"lat": 38.71, "lng": -9.14}, format="json")
        clock.shift(timedelta(seconds=2))
        response = client.post(url, {"lat": 38.72, "lng": -9.15}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == "3"
    assert response.json()["detail"] == "Send at most one position every 5 seconds."
    performance.refresh_from_db()
    assert performance.position_lat == 38.71


def test_delete_only_while_scheduled(api_as, artist):
    performance = plan(artist, 0)
    client = api_as(artist.user)
    client.post(f"/api/v1/performances/{performance.pk}/go-live/")
    assert client.delete(f"/api/v1/performances/{performance.pk}/").status_code == 409
    assert Performance.objects.filter(pk=performance.pk).exists()


def test_like_is_once_per_user_and_idempotent(api_as, artist):
    performance = plan(artist, 0)
    fan = api_as(UserFactory())
    url = f"/api/v1/performances/{performance.pk}/like/"
    assert fan.put(url).json() == {"liked": True, "like_count": 1}
    assert fan.put(url).json() == {"liked": True, "like_count": 1}
    assert fan.delete(url).json() == {"liked": False, "like_count": 0}


def test_nearby_rejects_bad_parameters_naming_them(api):
    response = api.get("/api/v1/performances/nearby/?lat=200&lng=x&radius_km=80&when=yesterday")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lat", "lng", "radius_km", "when"}


def test_nearby_answers_with_distance_and_the_matching_stop(api, artist):
    performance = plan(artist, -5)
    body = api.get("/api/v1/performances/nearby/?lat=38.7139&lng=-9.1394&radius_km=1").json()
    assert [r["id"] for r in body["results"]] == [performance.pk]
    result = body["results"][0]
    assert result["stop"]["place_name"] == "Stop 1"
    assert result["distance_m"] < 100
    assert result["url"] == performance.get_absolute_url()


def test_nearby_cache_is_invalidated_when_a_performance_in_its_tile_changes(
    api, artist, django_capture_on_commit_callbacks
):
    url = "/api/v1/performances/nearby/?lat=38.7139&lng=-9.1394&radius_km=2&when=upcoming"
    assert api.get(url).json()["results"] == []
    with django_capture_on_commit_callbacks(execute=True):
        performance = plan(artist, 120)
    assert [r["id"] for r in api.get(url).json()["results"]] == [performance.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_performance(performance, actor=artist.user)
    assert api.get(url).json()["results"] == []


def test_search_finds_titles_descriptions_and_artist_names(api):
    sax = ArtistProfileFactory(stage_name="Tiago Sax")
    Performance.objects.create(artist=sax, title="Harbour blues", description="Slow tunes by the river")
    Performance.objects.create(artist=ArtistProfileFactory(stage_name="Rua"), title="Fado night")
    for text, expected in [
        ("harbour", ["Harbour blues"]),
        ("river", ["Harbour blues"]),
        ("tiago", ["Harbour blues"]),
        ("fado", ["Fado night"]),
    ]:
        titles = [p["title"] for p in api.get(f"/api/v1/performances/?q={text}").json()["results"]]
        assert titles == expected, text


def test_listing_filters_by_status_artist_and_genre(api, artist):
    live = plan(artist, 0)
    services.go_live(live, actor=artist.user)
    plan(ArtistProfileFactory(), 600)
    ids = [p["id"] for p in api.get("/api/v1/performances/?status=live").json()["results"]]
    assert ids == [live.pk]
    ids = [p["id"] for p in api.get(f"/api/v1/performances/?artist={artist.slug}").json()["results"]]
    assert ids == [live.pk]


def test_viewing_a_performance_counts_once_per_visitor_per_hour(api, artist):
    performance = plan(artist, 60)
    for _ in range(3):
        api.get(f"/api/v1/performances/{performance.pk}/")
    performance.refresh_from_db()
    assert performance.view_count == 1


def test_stops_are_returned_in_time_order(api, artist):
    now = timezone.now()
    performance = Performance.objects.create(artist=artist, title="X")
    Stop.objects.create(
        performance=performance,
        performance_status=performance.status,
        order=2,
        lat=1,
        lng=1,
        place_name="B",
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=3),
    )
    Stop.objects.create(
        performance=performance,
        performance_status=performance.status,
        order=1,
        lat=1,
        lng=1,
        place_name="A",
        starts_at=now,
        ends_at=now + timedelta(hours=1),
    )
    body = api.get(f"/api/v1/performances/{performance.pk}/").json()
    assert [s["place_name"] for s in body["stops"]] == ["A", "B"]


def test_a_wide_nearby_search_far_north_is_answered(api):
    response = api.get("/api/v1/performances/nearby/?lat=77.09&lng=0&radius_km=40&when=today")
    assert response.status_code == 200
    assert response.json()["results"] == []
