"""Each main page passes axe-core with no serious or critical violation.

axe is evaluated through the DevTools protocol rather than added as a <script>: the pages'
Content-Security-Policy allows only scripts with the page's nonce, rightly refusing an inline
tag, and the check must see the page with its real policy in force.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from apps.accounts.roles import CURATORS
from apps.curation import services as curation
from apps.curation.models import Collection, CollectionItem
from apps.performances.models import PerformanceStatus
from tests.factories import (
    AreaFactory,
    ArtistProfileFactory,
    EventFactory,
    GenreFactory,
    PerformanceFactory,
    StopFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def blocking_violations(page: Page) -> list[str]:
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(node['target'])}: {node['failureSummary']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


@pytest.fixture
def city(roles) -> dict[str, str]:
    """A small city: a live performance, an artist with a track, a published collection and a
    jukebox night; returns each page's path."""
    area = AreaFactory(name="Alfama", slug="alfama")
    genre = GenreFactory(name="Fado", slug="fado")
    marta = ArtistProfileFactory(stage_name="Marta Lume", slug="marta-lume", home_area=area)
    marta.genres.add(genre)
    performance = PerformanceFactory(
        artist=marta, title="Fado at dusk", genre=genre, status=PerformanceStatus.LIVE
    )
    StopFactory(performance=performance, place_name="Miradouro de Santa Luzia", area=area)
    tracks = [TrackFactory(artist=marta, title="Saudade do Tejo", genre=genre, area=area), TrackFactory()]
    curator = UserFactory(display_name="Carla", group=CURATORS)
    collection = Collection.objects.create(
        title="Fado after dark", slug="fado-after-dark", intro="After sunset.", curator=curator
    )
    collection.areas.add(area)
    collection.genres.add(genre)
    CollectionItem.objects.create(collection=collection, position=1, artist=marta, note="Start here.")
    CollectionItem.objects.create(collection=collection, position=2, performance=performance, note="Tonight.")
    CollectionItem.objects.create(collection=collection, position=3, track=tracks[0], note="The ride home.")
    curation.publish_collection(collection, actor=curator)
    event = EventFactory(venue=VenueFactory(name="Tasca do Chico"), tracks=tracks)
    return {
        "home": "/",
        "map": "/map/",
        "performance": performance.get_absolute_url(),
        "artist": marta.get_absolute_url(),
        "collection": collection.get_absolute_url(),
        "event": event.get_absolute_url(),
    }


PAGES = ["home", "map", "performance", "artist", "collection", "event"]


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_no_serious_accessibility_violations(
    name: str, city: dict[str, str], open_page: Callable[..., Page]
):
    page = open_page(city[name])

    assert blocking_violations(page) == []
