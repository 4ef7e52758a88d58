from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.curation import services
from apps.curation.models import Collection, CollectionItem, FeatureSlot
from tests.factories import AreaFactory, GenreFactory, PerformanceFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fado(personas):
    """A published collection: a performance, a track and an artist, in that order, plus a hidden track."""
    collection = Collection.objects.create(
        title="Fado nights",
        slug="fado-nights",
        intro="Where to hear fado this month.",
        curator=personas.curator,
    )
    collection.areas.add(AreaFactory(name="Alfama", slug="alfama"))
    collection.genres.add(GenreFactory(name="Folk", slug="folk"))
    performance = PerformanceFactory(title="Fado at the steps", artist=personas.owner.artist_profile)
    CollectionItem.objects.create(collection=collection, position=1, performance=performance, note="Go early")
    CollectionItem.objects.create(
        collection=collection, position=2, track=TrackFactory(title="Saudade"), note="Late-night listening"
    )
    CollectionItem.objects.create(
        collection=collection, position=3, track=TrackFactory(title="Taken down", hidden=True), note="Gone"
    )
    CollectionItem.objects.create(
        collection=collection, position=4, artist=personas.other.artist_profile, note="Not fado, but close"
    )
    return services.publish_collection(collection, actor=personas.curator)


def page(client, url: str) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- pages ------------------------------------------------------------------------------


def test_the_collection_page_shows_intro_tags_and_items_in_order_with_notes(client, fado, personas):
    html = page(client, fado.get_absolute_url())

    assert fado.get_absolute_url() == "/collections/fado-nights/"
    assert "Where to hear fado this month." in html
    assert "Alfama" in html and "Folk" in html
    order = [
        html.index(text) for text in ("Fado at the steps", "Go early", "Saudade", "Late-night", "Bob Drums")
    ]
    assert order == sorted(order)
    performance = fado.items.get(position=1).performance
    assert performance.get_absolute_url() in html
    assert fado.items.get(position=2).track.get_absolute_url() in html
    assert personas.other.artist_profile.get_absolute_url() in html


def test_hidden_media_never_shows_on_a_collection_page(client, fado, personas):
    for who in (None, personas.owner, personas.other):
        if who:
            client.force_login(who)
        html = page(client, fado.get_absolute_url())
        assert "Taken down" not in html and "Gone" not in html


def test_curators_see_hidden_items_marked_as_hidden(client, fado, personas):
    client.force_login(personas.curator)
    html = page(client, fado.get_absolute_url())
    assert "Taken down" in html and "Hidden from the public" in html


@pytest.mark.parametrize("who", [None, "owner", "other", "venue_staff"])
def test_a_draft_is_not_found_for_anyone_but_curators(client, fado, personas, who):
    services.unpublish_collection(fado, actor=personas.curator)
    if who:
        client.force_login(getattr(personas, who))
    assert client.get(fado.get_absolute_url()).status_code == 404


def test_curators_preview_drafts(client, fado, personas):
    services.unpublish_collection(fado, actor=personas.curator)
    client.force_login(personas.curator)
    html = page(client, fado.get_absolute_url())
    assert "Preview" in html and "a draft" in html


@pytest.mark.parametrize("window", ["before", "after"])
def test_a_collection_outside_its_window_is_not_public(client, fado, personas, window):
    now = timezone.now()
    if window == "before":
        fado.publish_from, fado.publish_until = now + timedelta(days=1), None
    else:
        fado.publish_from, fado.publish_until = now - timedelta(days=2), now - timedelta(days=1)
    fado.save()

    assert client.get(fado.get_absolute_url()).status_code == 404
    assert "Fado nights" not in page(client, reverse("collection-list"))
    assert client.get(f"/api/v1/collections/{fado.slug}/").status_code == 404
    client.force_login(personas.curator)
    assert "outside its publishing window" in page(client, fado.get_absolute_url())


def test_the_collections_page_lists_published_ones_newest_first(client, fado, personas):
    newer = Collection.objects.create(title="Brass on Sunday", slug="brass", publish_from=timezone.now())
    CollectionItem.objects.create(collection=newer, artist=personas.owner.artist_profile)
    services.publish_collection(newer, actor=personas.curator)
    Collection.objects.create(title="Unfinished draft", slug="unfinished")

    html = page(client, reverse("collection-list"))

    assert html.index("Brass on Sunday") < html.index("Fado nights")
    assert "Unfinished draft" not in html
    assert "3 picks" in html  # the hidden track is not counted


def test_the_collections_page_swaps_only_its_results_for_htmx(client, fado):
    response = client.get(reverse("collection-list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="results"' in html and "<html" not in html


def test_an_unknown_collection_is_not_found(client, db):
    assert client.get("/collections/no-such-thing/").status_code == 404


# --- home page --------------------------------------------------------------------------


def test_the_home_page_shows_live_features_hero_first_and_the_newest_collections(client, fado, personas):
    now = timezone.now()
    services.create_feature(
        slot=FeatureSlot.SPOTLIGHT_1,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        collection=fado,
        actor=personas.curator,
    )
    services.create_feature(
        slot=FeatureSlot.HERO,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        artist=personas.owner.artist_profile,
        headline="Alice plays tonight",
        note="Rossio at nine",
        actor=personas.curator,
    )
    services.create_feature(
        slot=FeatureSlot.SPOTLIGHT_2,
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        track=TrackFactory(title="Not yet"),
        actor=personas.curator,
    )

    html = page(client, reverse("home"))

    assert "Alice plays tonight" in html and "Rossio at nine" in html
    assert html.index("Alice plays tonight") < html.index("feature-spotlight-1")
    assert "Not yet" not in html
    assert "New collections" in html and fado.get_absolute_url() in html


def test_the_home_page_without_features_or_collections_still_shows_the_rest(client, db):
    html = page(client, reverse("home"))
    assert "Featured" not in html and "New collections" not in html
    assert "Local artists" in html


# --- API --------------------------------------------------------------------------------


def test_the_collections_api_lists_published_collections(api, fado, personas):
    Collection.objects.create(title="Draft", slug="draft")

    response = api.get("/api/v1/collections/")

    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["slug"] == "fado-nights"
    assert entry["url"] == "/collections/fado-nights/"
    assert entry["areas"] == ["alfama"] and entry["genres"] == ["folk"]
    assert entry["item_count"] == 3
    assert entry["curator"] == "Charlie"
    assert "next" in response.json()


def test_the_collection_api_gives_ordered_items_with_kind_note_and_target(api, fado, personas):
    response = api.get("/api/v1/collections/fado-nights/")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kind"], i["position"], i["note"]) for i in items] == [
        ("performance", 1, "Go early"),
        ("track", 2, "Late-night listening"),
        ("artist", 4, "Not fado, but close"),
    ]
    performance, track, artist = (i["target"] for i in items)
    assert performance["title"] == "Fado at the steps"
    assert performance["artist"] == {"slug": "alice-strings", "stage_name": "Alice Strings"}
    assert performance["url"].startswith("/performances/")
    assert track["title"] == "Saudade" and track["url"].endswith(f"#track-{track['id']}")
    assert artist == {"slug": "bob-drums", "stage_name": "Bob Drums", "url": "/artists/bob-drums/"}


def test_a_draft_is_not_found_in_the_api_even_for_curators(api_as, fado, personas):
    services.unpublish_collection(fado, actor=personas.curator)
    response = api_as(personas.curator).get("/api/v1/collections/fado-nights/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_collections_api_pages_with_a_cursor_newest_first(api, fado, personas):
    for n in range(3):
        extra = Collection.objects.create(
            title=f"Extra {n}", slug=f"extra-{n}", publish_from=timezone.now() - timedelta(days=10 - n)
        )
        CollectionItem.objects.create(collection=extra, artist=personas.owner.artist_profile)
        services.publish_collection(extra, actor=personas.curator)

    first = api.get("/api/v1/collections/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    slugs = [c["slug"] for c in first["results"] + second["results"]]
    assert slugs == ["fado-nights", "extra-2", "extra-1", "extra-0"]


def test_a_bad_page_size_is_refused_naming_the_field(api, db):
    response = api.get("/api/v1/collections/", {"page_size": "lots"})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_the_features_api_gives_the_live_features_hero_first(api, fado, personas):
    now = timezone.now()
    spotlight = services.create_feature(
        slot=FeatureSlot.SPOTLIGHT_3,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        collection=fado,
        actor=personas.curator,
    )
    hero = services.create_feature(
        slot=FeatureSlot.HERO,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        artist=personas.owner.artist_profile,
        note="Tonight",
        actor=personas.curator,
    )
    services.create_feature(
        slot=FeatureSlot.SPOTLIGHT_1,
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=2),
        artist=personas.other.artist_profile,
        actor=personas.curator,
    )

    response = api.get("/api/v1/features/")

    assert response.status_code == 200
    body = response.json()
    assert [f["id"] for f in body] == [hero.pk, spotlight.pk]
    assert (
        body[0]["kind"] == "artist"
        and body[0]["headline"] == "Alice Strings"
        and body[0]["note"] == "Tonight"
    )
    assert body[0]["target"]["url"] == "/artists/alice-strings/"
    assert body[1]["kind"] == "collection"
    assert body[1]["target"] == {
        "slug": "fado-nights",
        "title": "Fado nights",
        "url": "/collections/fado-nights/",
    }


def test_the_curation_api_is_read_only(api_as, fado, personas):
    client = api_as(personas.curator)
    assert client.post("/api/v1/collections/", {"title": "New"}).status_code == 405
    assert client.delete("/api/v1/collections/fado-nights/").status_code == 405
    assert client.post("/api/v1/features/", {}).status_code == 405
