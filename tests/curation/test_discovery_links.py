"""Area and genre pages are reached from where areas and genres are shown, and "For you"
tells a visitor who is not signed in what it is instead of sending them away without a word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.curation import services
from apps.curation.models import Collection, CollectionItem
from tests.factories import AreaFactory, ArtistProfileFactory, GenreFactory, UserFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def alfama():
    return AreaFactory(slug="alfama", name="Alfama")


@pytest.fixture
def fado():
    return GenreFactory(slug="fado", name="Fado")


def test_areas_and_genres_are_addressed_by_their_discovery_pages(alfama, fado):
    assert alfama.get_absolute_url() == reverse("area-detail", args=["alfama"])
    assert fado.get_absolute_url() == reverse("genre-detail", args=["fado"])


def test_a_collections_tags_lead_to_the_area_and_genre_pages(client, alfama, fado, personas):
    collection = Collection.objects.create(title="Fado nights", slug="fado-nights", curator=personas.curator)
    collection.areas.add(alfama)
    collection.genres.add(fado)
    CollectionItem.objects.create(collection=collection, position=1, artist=ArtistProfileFactory())
    services.publish_collection(collection, actor=personas.curator)

    page = client.get(collection.get_absolute_url()).content.decode()

    assert f'href="{reverse("area-detail", args=["alfama"])}"' in page
    assert f'href="{reverse("genre-detail", args=["fado"])}"' in page


def test_an_artists_page_links_their_genres_and_home_area(client, alfama, fado):
    artist = ArtistProfileFactory(stage_name="Marta Lume", home_area=alfama)
    artist.genres.add(fado)

    page = client.get(artist.get_absolute_url()).content.decode()

    assert f'href="{reverse("area-detail", args=["alfama"])}"' in page
    assert f'href="{reverse("genre-detail", args=["fado"])}"' in page


def test_a_performance_page_links_its_genre_and_each_stops_area(client, fado):
    area = AreaFactory(slug="baixa", name="Baixa")
    performance = plan(ArtistProfileFactory(), 30)
    performance.genre = fado
    performance.save(update_fields=["genre"])
    performance.stops.update(area=area)

    page = client.get(performance.get_absolute_url()).content.decode()

    assert f'href="{reverse("genre-detail", args=["fado"])}"' in page
    assert f'href="{reverse("area-detail", args=["baixa"])}"' in page


def test_for_you_signed_out_says_what_it_is_and_offers_signing_in(client):
    response = client.get("/for-you/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "the artists you follow" in page
    assert f'href="{reverse("account_login")}?next=/for-you/"' in page
    assert f'href="{reverse("account_signup")}?next=/for-you/"' in page


def test_for_you_signed_in_still_shows_suggestions(client_as):
    page = client_as(UserFactory()).get("/for-you/").content.decode()
    assert "Show only what's near me" in page
