"""Discovery: an area's and a genre's pages, and "for you" with the reason for each suggestion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.services import follow_artist
from apps.curation.discovery import area_discovery, for_you, genre_discovery
from apps.curation.models import Collection, CollectionStatus
from apps.media.models import Play
from apps.performances import services as performances
from apps.performances.models import PerformanceStatus, View
from apps.venues.models import EventStatus
from tests.factories import (
    AreaFactory,
    ArtistProfileFactory,
    EventFactory,
    GenreFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
    square,
)
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def fan(db):
    return UserFactory(display_name="Fran", radius_km=5)


@pytest.fixture
def fado(db):
    return GenreFactory(slug="fado", name="Fado")


@pytest.fixture
def marta(db):
    return ArtistProfileFactory(stage_name="Marta Lume")


# --- for you ---------------------------------------------------------------------------


def test_for_you_has_followed_artists_upcoming_performances_with_the_reason(fan, marta):
    follow_artist(marta, fan=fan)
    show = plan(marta, 60, title="Evening set")

    shows, _ = for_you(fan)

    assert [(s.item, s.reason) for s in shows] == [(show, "Because you follow Marta Lume")]


def test_for_you_has_favourite_genres_with_the_reason(fan, fado):
    fan.preferred_genres.add(fado)
    track = TrackFactory(genre=fado)
    show = plan(ArtistProfileFactory(), 30)
    show.genre = fado
    show.save(update_fields=["genre"])

    shows, tracks = for_you(fan)

    assert [(s.item, s.reason) for s in shows] == [(show, "Because you like Fado")]
    assert [(s.item, s.reason) for s in tracks] == [(track, "Because you like Fado")]


def test_for_you_leaves_out_hidden_tracks_and_finished_or_cancelled_performances(fan, marta):
    follow_artist(marta, fan=fan)
    TrackFactory(artist=marta, hidden=True)
    TrackFactory(artist=marta, status="processing")
    over = plan(marta, -180)  # its one-hour stop ended two hours ago
    cancelled = plan(marta, 120)
    performances.cancel_performance(cancelled, actor=marta.user)
    upcoming = plan(marta, 240)

    shows, tracks = for_you(fan)

    assert [s.item for s in shows] == [upcoming]
    assert over not in [s.item for s in shows]
    assert tracks == []


def test_for_you_leaves_out_what_the_fan_has_seen_or_heard(fan, marta):
    follow_artist(marta, fan=fan)
    seen = plan(marta, 60)
    View.objects.create(performance=seen, user=fan, visitor=f"u:{fan.pk}", hour=timezone.now())
    heard = TrackFactory(artist=marta)
    Play.objects.create(track=heard, listener=f"u:{fan.pk}", user=fan)
    fresh = TrackFactory(artist=marta)

    shows, tracks = for_you(fan)

    assert shows == []
    assert [s.item for s in tracks] == [fresh]


def test_for_you_near_a_place_keeps_only_performances_within_the_fans_radius(fan, marta):
    follow_artist(marta, fan=fan)
    show = plan(marta, 60)  # stops at Rossio, Lisbon

    near, _ = for_you(fan, lat=38.72, lng=-9.14)
    far, _ = for_you(fan, lat=41.15, lng=-8.61)  # Porto

    assert [s.item for s in near] == [show]
    assert far == []


def test_for_you_is_empty_without_follows_or_genres(fan):
    plan(ArtistProfileFactory(), 60)
    assert for_you(fan) == ([], [])


# --- area and genre pages ----------------------------------------------------------------


def test_an_area_page_lists_what_plays_there_and_nothing_from_elsewhere(fado):
    alfama = AreaFactory(slug="alfama", name="Alfama")
    AreaFactory(slug="porto", name="Porto", boundary=square(41.15, -8.61))
    local = ArtistProfileFactory(home_area=alfama)
    ArtistProfileFactory()
    show = plan(local, 60)
    track = TrackFactory(artist=local, area=alfama)
    TrackFactory(artist=local, area=alfama, hidden=True)
    published = Collection.objects.create(
        title="Alfama nights", slug="alfama-nights", status=CollectionStatus.PUBLISHED
    )
    published.areas.add(alfama)
    draft = Collection.objects.create(title="Draft", slug="draft")
    draft.areas.add(alfama)
    venue = VenueFactory(area=alfama)
    tonight = EventFactory(
        venue=venue, status=EventStatus.DRAFT, starts_at=timezone.now() + timedelta(hours=3)
    )
    tonight.status = EventStatus.ACTIVE
    tonight.save(update_fields=["status"])
    EventFactory(venue=venue, status=EventStatus.DRAFT)

    page = area_discovery(alfama)

    assert page.upcoming == [show]
    assert page.artists == [local]
    assert page.tracks == [track]
    assert page.collections == [published]
    assert page.events == [tonight]


def test_a_genre_page_lists_live_performances_of_the_genre(fado):
    artist = ArtistProfileFactory()
    artist.genres.add(fado)
    show = plan(artist, -10)
    show.genre = fado
    show.save(update_fields=["genre"])
    show = performances.go_live(show, actor=artist.user)

    page = genre_discovery(fado)

    assert page.live == [show]
    assert page.artists == [artist]
    assert show.status == PerformanceStatus.LIVE


def test_area_genre_and_for_you_pages_render(client_as, fan, fado, marta):
    alfama = AreaFactory(slug="alfama", name="Alfama")
    follow_artist(marta, fan=fan)
    plan(marta, 60, title="Evening set")

    assert "Alfama" in client_as(None).get("/areas/alfama/").content.decode()
    assert "Fado" in client_as(None).get("/genres/fado/").content.decode()
    assert client_as(None).get("/areas/nowhere/").status_code == 404
    page = client_as(fan).get("/for-you/").content.decode()
    assert "Evening set" in page and "Because you follow Marta Lume" in page
    assert alfama.pk


def test_the_for_you_api_gives_each_suggestion_with_its_reason(api_as, fan, marta):
    follow_artist(marta, fan=fan)
    show = plan(marta, 60, title="Evening set")

    body = api_as(fan).get("/api/v1/for-you/").json()

    assert [(s["performance"]["id"], s["reason"]) for s in body["performances"]] == [
        (show.pk, "Because you follow Marta Lume")
    ]
    assert body["tracks"] == []


def test_the_for_you_api_wants_both_coordinates(api_as, fan):
    response = api_as(fan).get("/api/v1/for-you/?lat=38.7")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lng"]


def test_the_home_page_shows_trending_and_the_coming_jukebox_nights(client, marta):
    show = plan(marta, 60, title="Evening set")
    View.objects.create(performance=show, visitor="a:someone", hour=timezone.now())
    event = EventFactory(name="Fado and friends")

    page = client.get("/").content.decode()

    assert "Trending in" in page and "Evening set" in page
    assert "Fado and friends" in page and event.venue.name in page


def test_the_area_api_lists_what_plays_in_the_area(api):
    alfama = AreaFactory(slug="alfama", name="Alfama")
    local = ArtistProfileFactory(home_area=alfama, stage_name="Marta Lume")
    show = plan(local, 60, title="Evening set")

    body = api.get("/api/v1/areas/alfama/").json()

    assert body["slug"] == "alfama" and "boundary" in body
    assert [p["id"] for p in body["upcoming"]] == [show.pk]
    assert [a["slug"] for a in body["artists"]] == [local.slug]
    assert body["live"] == [] and body["events"] == [] and body["collections"] == []
