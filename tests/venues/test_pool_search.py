"""The jukebox pool's search finds tracks by title, by artist and by genre: a guest who types
"fado" expects the night's fado, whatever the songs are called."""

from __future__ import annotations

import pytest

from apps.venues.providers import provider_for
from tests.factories import ArtistProfileFactory, GenreFactory, TrackFactory

pytestmark = pytest.mark.django_db


def titles(event, query: str) -> list[str]:  # noqa: ANN001
    return [track.title for track in provider_for(event).pool(event, query=query)]


def test_a_genre_name_finds_the_pools_tracks_of_that_genre(event):
    fado = GenreFactory(slug="fado", name="Fado")
    event.pool_tracks.add(
        TrackFactory(title="Lisboa Menina", genre=fado), TrackFactory(title="Rua Escura", genre=fado)
    )

    assert sorted(titles(event, "fado")) == ["Lisboa Menina", "Rua Escura"]
    assert sorted(titles(event, "FAD")) == ["Lisboa Menina", "Rua Escura"]


def test_a_genre_search_keeps_to_the_pool(event):
    fado = GenreFactory(slug="fado", name="Fado")
    TrackFactory(title="Not tonight", genre=fado)

    assert titles(event, "fado") == []


def test_titles_and_artists_are_still_found(event):
    song = TrackFactory(title="Saudade", artist=ArtistProfileFactory(stage_name="Zé Fado"))
    event.pool_tracks.add(song)

    assert "Saudade" in titles(event, "saud")
    assert "Saudade" in titles(event, "zé")
