"""A performance has one shape on the wire: the live map, nearby and the API agree on it."""

from datetime import UTC, timedelta

import orjson
import pytest
from django.utils import timezone

from apps.performances.events import map_item
from apps.performances.models import Performance, PerformanceStatus
from tests.factories import AreaFactory, GenreFactory, PerformanceFactory, StopFactory

pytestmark = pytest.mark.django_db

SHARED = ["id", "title", "status", "artist", "genre", "position", "like_count", "url"]
SHARED_STOP = ["lat", "lng", "place_name", "starts_at", "ends_at"]
# The centre of a ~100 m tile, where the first stop is: nearby measures from there.
NEARBY = "/api/v1/performances/nearby/?lat=38.714&lng=-9.139&radius_km=1"


@pytest.fixture
def live():
    """A live performance with a genre, a position, likes and two stops, the first under way."""
    performance = PerformanceFactory(
        title="Fado at dusk",
        status=PerformanceStatus.LIVE,
        genre=GenreFactory(slug="fado", name="Fado"),
        position_lat=38.714,
        position_lng=-9.1395,
        like_count=7,
    )
    started = timezone.now().replace(microsecond=250000) - timedelta(minutes=10)
    area = AreaFactory(slug="baixa")
    StopFactory(
        performance=performance,
        order=1,
        lat=38.714,
        lng=-9.139,
        area=area,
        starts_at=started,
        place_name="Rossio",
    )
    StopFactory(
        performance=performance,
        order=2,
        lat=38.72,
        lng=-9.139,
        starts_at=started + timedelta(hours=2),
        place_name="Largo do Carmo",
    )
    return Performance.objects.with_related().get(pk=performance.pk)


def at(value) -> str:  # noqa: ANN001
    return f"{value.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}+00:00"


def test_the_map_nearby_and_the_api_agree_on_the_shared_fields(api, live):
    sent = orjson.loads(orjson.dumps(map_item(live)))
    found = api.get(NEARBY).json()["results"][0]
    read = api.get(f"/api/v1/performances/{live.pk}/").json()
    assert {key: found[key] for key in SHARED} == {key: sent[key] for key in SHARED}
    assert {key: read[key] for key in SHARED} == {key: sent[key] for key in SHARED}
    first_stop = [{key: stop[key] for key in SHARED_STOP} for stop in (sent["stops"][0], read["stops"][0])]
    assert first_stop == [{key: found["stop"][key] for key in SHARED_STOP}] * 2
    assert read["stops"][0]["area"] == found["stop"]["area"] == "baixa"


def test_a_map_item_keeps_its_fields(live):
    stops = list(live.stops.order_by("order"))
    assert map_item(live) == {
        "id": live.pk,
        "title": "Fado at dusk",
        "status": "live",
        "artist": {"slug": live.artist.slug, "stage_name": live.artist.stage_name},
        "genre": "fado",
        "position": {"lat": 38.714, "lng": -9.1395},
        "like_count": 7,
        "url": f"/performances/{live.pk}/",
        "stops": [
            {
                "lat": stop.lat,
                "lng": -9.139,
                "place_name": stop.place_name,
                "starts_at": at(stop.starts_at),
                "ends_at": at(stop.ends_at),
            }
            for stop in stops
        ],
    }


def test_a_nearby_result_keeps_its_fields(api, live):
    stop = live.stops.get(order=1)
    assert api.get(NEARBY).json()["results"] == [
        {
            "id": live.pk,
            "title": "Fado at dusk",
            "status": "live",
            "artist": {"slug": live.artist.slug, "stage_name": live.artist.stage_name},
            "genre": "fado",
            "like_count": 7,
            "position": {"lat": 38.714, "lng": -9.1395},
            # From the performer's position, not from the stop the search stands on.
            "distance_m": 43,
            "stop": {
                "id": stop.pk,
                "lat": 38.714,
                "lng": -9.139,
                "place_name": "Rossio",
                "area": "baixa",
                "starts_at": at(stop.starts_at),
                "ends_at": at(stop.ends_at),
            },
            "url": f"/performances/{live.pk}/",
        }
    ]


def test_only_a_live_performance_with_a_position_has_one(live):
    live.position_lat = live.position_lng = None
    assert map_item(live)["position"] is None
    live.position_lat, live.position_lng, live.status = 38.7, -9.1, PerformanceStatus.SCHEDULED
    assert map_item(live)["position"] is None
