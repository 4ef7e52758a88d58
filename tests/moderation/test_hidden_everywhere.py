"""A hidden performance or artist leaves every public page, list, map, API and trending list;
its owner and the curators still see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import ArtistProfile
from apps.accounts.roles import CURATORS
from apps.curation.discovery import area_discovery, for_you, genre_discovery
from apps.curation.models import Collection, CollectionItem, Feature
from apps.curation.services import create_feature, items_for, live_features, published_collections
from apps.curation.trending import compute_trending, trending
from apps.moderation import services as moderation
from apps.performances import services as performance_services
from tests.factories import (
    AreaFactory,
    ArtistProfileFactory,
    ClipFactory,
    FollowFactory,
    GenreFactory,
    PerformanceFactory,
    StopFactory,
    TrackFactory,
    UserFactory,
)
from tests.performances.helpers import route
from tests.realtime import open_socket, receive

NEARBY = "/api/v1/performances/nearby/?lat=38.7139&lng=-9.1394&radius_km=2&when=now"
LISBON = "lat=38.7139&lng=-9.1394&radius_km=2"


@pytest.fixture
def area():
    return AreaFactory()


@pytest.fixture
def genre():
    return GenreFactory()


@pytest.fixture
def show(personas, area, genre):
    """Alice's live performance, playing now in the area."""
    performance = PerformanceFactory(
        artist=personas.owner.artist_profile, title="Corner set", genre=genre, status="live"
    )
    StopFactory(performance=performance, area=area)
    return performance


def hide(item, personas):  # noqa: ANN001, ANN201
    return moderation.hide_item(item, actor=personas.curator, reason="Reported and checked.")


def ids(response) -> list[int]:  # noqa: ANN001
    return [row["id"] for row in response.json()["results"]]


# --- a hidden performance ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hidden_performance_page_and_api_are_gone_for_the_public(client, api, api_as, personas, show):
    hide(show, personas)
    assert client.get(show.get_absolute_url()).status_code == 404
    assert api.get(f"/api/v1/performances/{show.pk}/").status_code == 404
    assert api_as(personas.other).get(f"/api/v1/performances/{show.pk}/").status_code == 404
    assert show.pk not in ids(api.get("/api/v1/performances/"))


@pytest.mark.django_db
def test_the_owner_and_curators_still_see_a_hidden_performance(client_as, api_as, personas, show):
    hide(show, personas)
    page = client_as(personas.owner).get(show.get_absolute_url())
    assert page.status_code == 200
    assert "Hidden by a curator" in page.content.decode()
    own = api_as(personas.owner).get(f"/api/v1/performances/{show.pk}/")
    assert own.status_code == 200 and own.json()["hidden"] is True
    assert api_as(personas.curator).get(f"/api/v1/performances/{show.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_hidden_performance_leaves_nearby_at_once_even_when_it_was_cached(
    api, personas, show, django_capture_on_commit_callbacks
):
    assert ids(api.get(NEARBY)) == [show.pk]
    with django_capture_on_commit_callbacks(execute=True):
        hide(show, personas)
    assert ids(api.get(NEARBY)) == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation.restore_item(show, actor=personas.curator, reason="Second look.")
    assert ids(api.get(NEARBY)) == [show.pk]


@pytest.mark.django_db
def test_a_hidden_performance_leaves_area_genre_and_for_you_pages(personas, show, area, genre):
    fan = UserFactory()
    FollowFactory(fan=fan, artist=show.artist)
    soon = PerformanceFactory(artist=show.artist, genre=genre)
    StopFactory(performance=soon, area=area, starts_at=timezone.now() + timedelta(hours=2))
    assert show in area_discovery(area).live
    hide(show, personas)
    hide(soon, personas)
    assert show not in area_discovery(area).live
    assert show not in genre_discovery(genre).live
    assert soon not in area_discovery(area).upcoming
    upcoming, _tracks = for_you(fan)
    assert soon not in [s.item for s in upcoming]


@pytest.mark.django_db
def test_a_hidden_performance_leaves_collections_and_features(personas, show):
    now = timezone.now()
    collection = Collection.objects.create(title="Tonight", slug="tonight", status="published")
    CollectionItem.objects.create(collection=collection, performance=show, position=1)
    CollectionItem.objects.create(collection=collection, artist=personas.other.artist_profile, position=2)
    Feature.objects.create(
        slot="hero", performance=show, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    hide(show, personas)
    assert [item.artist for item in items_for(collection, None)] == [personas.other.artist_profile]
    assert published_collections().get().item_count == 1
    assert live_features() == []
    # Curators previewing see the item, marked as not public.
    previewed = items_for(collection, personas.curator)
    assert [(item.performance, item.is_public) for item in previewed][0] == (show, False)


@pytest.mark.django_db
def test_a_hidden_performance_leaves_trending_also_when_hidden_after_the_compute(api, personas, show):
    performance_services.record_view(show, visitor="someone", user=None)
    compute_trending()
    assert [item["id"] for item in trending("performance")] == [show.pk]
    hide(show, personas)
    assert trending("performance") == []
    assert compute_trending()[("performance", None)]["items"] == []
    body = api.get("/api/v1/trending/?kind=performance").json()
    assert show.pk not in [item["id"] for item in body["items"]]


@pytest.mark.django_db
def test_a_hidden_performance_or_artist_cannot_be_featured(personas, show):
    hide(show, personas)
    now = timezone.now()
    span = {"slot": "hero", "starts_at": now, "ends_at": now + timedelta(hours=1), "actor": personas.curator}
    with pytest.raises(ValidationError) as refused:
        create_feature(performance=show, **span)
    assert "performance" in refused.value.message_dict
    hide(personas.other.artist_profile, personas)
    with pytest.raises(ValidationError) as refused:
        create_feature(artist=personas.other.artist_profile, **span)
    assert "artist" in refused.value.message_dict


# --- a hidden artist ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hidden_artist_leaves_the_artist_list_page_and_api(client, client_as, api, personas):
    profile = personas.owner.artist_profile
    hide(profile, personas)
    assert "Alice Strings" not in client.get("/artists/").content.decode()
    assert client.get(profile.get_absolute_url()).status_code == 404
    slugs = [row["slug"] for row in api.get("/api/v1/artists/").json()["results"]]
    assert profile.slug not in slugs and "bob-drums" in slugs
    assert api.get(f"/api/v1/artists/{profile.slug}/").status_code == 404
    own = client_as(personas.owner).get(profile.get_absolute_url())
    assert own.status_code == 200 and "Hidden by a curator" in own.content.decode()


@pytest.mark.django_db
def test_a_hidden_artist_takes_their_performances_and_media_with_them(api, personas, show):
    clip = ClipFactory(artist=show.artist)
    track = TrackFactory(artist=show.artist)
    hide(show.artist, personas)
    assert api.get(f"/api/v1/performances/{show.pk}/").status_code == 404
    assert ids(api.get(NEARBY)) == []
    assert api.get(f"/api/v1/media/clips/{clip.pk}/").status_code == 404
    assert api.get(f"/api/v1/tracks/{track.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_hidden_artist_leaves_trending(personas, show):
    performance_services.record_view(show, visitor="someone", user=None)
    compute_trending()
    assert [item["id"] for item in trending("artist")] == [show.artist_id]
    hide(show.artist, personas)
    assert trending("artist") == []
    assert trending("performance") == []
    assert compute_trending()[("artist", None)]["items"] == []


@pytest.mark.django_db
def test_hidden_artists_are_not_listed_on_the_home_page(client, personas):
    hide(personas.owner.artist_profile, personas)
    page = client.get("/").content.decode()
    assert "Alice Strings" not in page
    assert ArtistProfile.objects.public().filter(slug="bob-drums").exists()


# --- the live map ------------------------------------------------------------------------------


@database_sync_to_async
def live_show():
    artist = ArtistProfileFactory()
    performance = performance_services.create_performance(
        artist, actor=artist.user, title="Corner set", stops=route(-5)
    )
    return performance_services.go_live(performance, actor=artist.user)


@database_sync_to_async
def curator():
    # Transactional tests start from an empty database: the migration's group is gone.
    Group.objects.get_or_create(name=CURATORS)
    return UserFactory(group=CURATORS)


@database_sync_to_async
def moderate(verb, item, actor):  # noqa: ANN001, ANN201
    return moderation.ACTIONS[verb](item, actor=actor, reason="Checked.")


@database_sync_to_async
def like(performance):  # noqa: ANN001, ANN201
    return performance_services.like_performance(performance, user=UserFactory())


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_hiding_removes_a_performance_from_open_maps_and_from_their_snapshots():
    performance, charlie = await live_show(), await curator()
    socket, _connected, _ = await open_socket(f"/ws/map/?{LISBON}")
    snapshot = await receive(socket)
    assert [p["id"] for p in snapshot["performances"]] == [performance.pk]
    await moderate("hide", performance, charlie)
    removed = await receive(socket)
    assert removed["type"] == "performance.removed"
    assert removed["performance"]["id"] == performance.pk
    # Likes of a hidden performance are not shown on the map.
    await like(performance)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
    again, _connected, _ = await open_socket(f"/ws/map/?{LISBON}")
    assert (await receive(again))["performances"] == []
    await moderate("restore", performance, charlie)
    back = await receive(again)
    assert back["type"] == "performance.updated"
    assert back["performance"]["id"] == performance.pk
    await again.disconnect()
