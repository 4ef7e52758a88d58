"""Every page of the site, as each person who sees it, passes axe-core with no serious or critical violation.

axe is evaluated through the DevTools protocol rather than added as a <script>: the pages'
Content-Security-Policy allows only scripts with the page's nonce, rightly refusing an inline
tag, and the check must see the page with its real policy in force.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Page

from apps.accounts.roles import CURATORS, VENUE_STAFF
from apps.curation import services as curation
from apps.curation.models import Collection, CollectionItem
from apps.performances.models import PerformanceStatus
from tests.factories import (
    AreaFactory,
    ArtistProfileFactory,
    EventFactory,
    FollowFactory,
    GenreFactory,
    NotificationFactory,
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
def city(roles) -> dict:
    """A small city: a live performance, an artist with a track, a published collection and a
    jukebox night, and one person of each kind; returns the people and each page's path."""
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
    staff = UserFactory(display_name="Rui", group=VENUE_STAFF)
    event = EventFactory(venue=VenueFactory(name="Tasca do Chico", staff=[staff]), tracks=tracks)
    fan = UserFactory(display_name="Ana")
    FollowFactory(fan=fan, artist=marta)
    NotificationFactory(recipient=fan, text="Marta Lume is live in Alfama")
    NotificationFactory(recipient=marta.user, text="Ana follows you")
    return {
        "people": {
            "visitor": None,
            "fan": fan,
            "artist": marta.user,
            "curator": curator,
            "venue staff": staff,
        },
        "paths": {
            "home": "/",
            "map": "/map/",
            "artists": "/artists/",
            "artist": marta.get_absolute_url(),
            "performance": performance.get_absolute_url(),
            "collections": "/collections/",
            "collection": collection.get_absolute_url(),
            "area": "/areas/alfama/",
            "genre": "/genres/fado/",
            "for you": "/for-you/",
            "jukebox guest": event.get_absolute_url(),
            "venue display": f"/events/{event.pk}/display/",
            "tip": f"/artists/{marta.slug}/tip/",
            "supporter": "/supporter/",
            "sign in": "/accounts/login/",
            "sign up": "/accounts/signup/",
            "password reset": "/accounts/password/reset/",
            "notifications": "/me/notifications/",
            "settings": "/me/settings/",
            "become an artist": "/me/artist/new/",
            "artist profile form": "/me/artist/edit/",
            "performances dashboard": "/me/performances/",
            "route form": "/me/performances/new/",
            "route form (edit)": f"/me/performances/{performance.pk}/edit/",
            "uploads": "/me/media/",
            "stats": "/me/stats/",
            "revenue": "/me/revenue/",
            "admin index": "/admin/",
        },
    }


PUBLIC = [
    "home",
    "map",
    "artists",
    "artist",
    "performance",
    "collections",
    "collection",
    "area",
    "genre",
    "for you",
    "jukebox guest",
    "tip",
]
CASES = [
    *[("visitor", name) for name in [*PUBLIC, "sign in", "sign up", "password reset"]],
    *[
        ("fan", name)
        for name in [
            "home",
            "artist",
            "performance",
            "for you",
            "notifications",
            "settings",
            "become an artist",
            "supporter",
        ]
    ],
    *[
        ("artist", name)
        for name in [
            "artist",
            "performance",
            "notifications",
            "artist profile form",
            "performances dashboard",
            "route form",
            "route form (edit)",
            "uploads",
            "stats",
            "revenue",
        ]
    ],
    *[("curator", name) for name in ["collections", "collection", "admin index"]],
    *[("venue staff", name) for name in ["jukebox guest", "venue display", "admin index"]],
]


@pytest.mark.parametrize(("persona", "name"), CASES, ids=[f"{persona}: {name}" for persona, name in CASES])
def test_every_page_has_no_serious_accessibility_violations_for_the_people_who_see_it(
    persona: str, name: str, city: dict, open_page: Callable[..., Page]
):
    path = city["paths"][name]
    page = open_page(path, user=city["people"][persona])

    assert urlsplit(page.url).path == path, "the page itself, not a redirect, is checked"
    violations = blocking_violations(page)
    assert not violations, "\n".join(violations)
