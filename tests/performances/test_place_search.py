"""The route form's place search: known places only (areas, the artist's earlier stops)."""

import pytest
from django.urls import reverse

from tests.factories import AreaFactory, ArtistProfileFactory, StopFactory, UserFactory, square

pytestmark = pytest.mark.django_db


def search(client, **params):  # noqa: ANN001, ANN003, ANN201
    return client.get(reverse("performance-places"), params)


def test_it_finds_areas_by_name_with_their_centre(client_as, artist):
    AreaFactory(name="Alfama", slug="alfama", boundary=square(38.712, -9.13, half=0.004))
    AreaFactory(name="Belém", slug="belem", boundary=square(38.697, -9.206))
    response = search(client_as(artist.user), q="alf")
    assert response.status_code == 200
    [place] = response.json()["results"]
    assert place["name"] == "Alfama"
    assert place["kind"] == "area"
    assert place["lat"] == pytest.approx(38.712)
    assert place["lng"] == pytest.approx(-9.13)


def test_it_finds_the_artists_earlier_places_once_each_latest_first(client_as, artist):
    StopFactory(performance__artist=artist, place_name="Largo do Carmo", lat=38.7, lng=-9.1)
    StopFactory(performance__artist=artist, place_name="Largo do Carmo", lat=38.71, lng=-9.14)
    StopFactory(place_name="Largo do Chafariz", lat=38.72, lng=-9.15)  # another artist's
    results = search(client_as(artist.user), q="largo").json()["results"]
    assert [(r["name"], r["kind"]) for r in results] == [("Largo do Carmo", "earlier")]
    assert (results[0]["lat"], results[0]["lng"]) == (38.71, -9.14)


def test_earlier_places_come_before_areas(client_as, artist):
    AreaFactory(name="Rossio district", slug="rossio-district")
    StopFactory(performance__artist=artist, place_name="Rossio")
    results = search(client_as(artist.user), q="rossio").json()["results"]
    assert [r["name"] for r in results] == ["Rossio", "Rossio district"]


def test_it_validates_the_query_and_names_the_field(client_as, artist):
    for params in ({}, {"q": ""}, {"q": "x" * 101}):
        response = search(client_as(artist.user), **params)
        assert response.status_code == 400
        body = response.json()
        assert "q" in body["errors"], params
        assert body["code"] == "invalid"


def test_it_validates_the_performance_and_names_the_field(client_as, artist):
    response = search(client_as(artist.user), q="ross", performance="abc")
    assert response.status_code == 400
    assert "performance" in response.json()["errors"]


def test_it_refuses_anonymous_visitors(client):
    response = search(client, q="ross")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_it_refuses_signed_in_people_without_an_artist_profile(client_as):
    response = search(client_as(UserFactory()), q="ross")
    assert response.status_code == 403


def test_it_validates_ownership_of_the_performance(client_as, artist):
    other = ArtistProfileFactory()
    theirs = StopFactory(performance__artist=other, place_name="Rossio").performance
    response = search(client_as(artist.user), q="ross", performance=theirs.pk)
    assert response.status_code == 404
    mine = StopFactory(performance__artist=artist, place_name="Rossio").performance
    assert search(client_as(artist.user), q="ross", performance=mine.pk).status_code == 200


def test_it_never_returns_another_artists_places(client_as, artist):
    StopFactory(place_name="Secret corner")
    assert search(client_as(artist.user), q="secret").json()["results"] == []
