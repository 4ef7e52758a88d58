"""The list's filters choose among performances; a performance named by its id is not filtered.

Its page in the API, and the actions on it (a performer's phone sending its position every few
seconds), answer the same whatever filter parameters come along.
"""

from __future__ import annotations

import pytest
from django.test import Client

from apps.performances import services
from tests.factories import ArtistProfileFactory, GenreFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    artist = ArtistProfileFactory()
    return services.go_live(plan(artist, -5, 60), actor=artist.user)


def test_a_performance_is_found_whatever_list_filters_come_along(live):
    other_genre = GenreFactory()

    for query in ("status=ended", f"genre={other_genre.slug}", "q=nothing-like-it"):
        response = Client().get(f"/api/v1/performances/{live.pk}/?{query}")
        assert response.status_code == 200, (query, response.content)
        assert response.json()["id"] == live.pk


def test_a_position_is_taken_whatever_list_filters_come_along(live):
    performer = Client()
    performer.force_login(live.artist.user)

    response = performer.post(
        f"/api/v1/performances/{live.pk}/position/?status=ended",
        {"lat": 38.7139, "lng": -9.1394},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
