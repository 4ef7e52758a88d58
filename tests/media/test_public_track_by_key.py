"""The one-track lookup a vote runs is written out by hand; it must find what public() finds."""

from __future__ import annotations

import itertools

import pytest

from apps.media.choices import MediaStatus
from apps.media.models import Track
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def test_public_one_finds_exactly_the_tracks_public_finds():
    tracks = []
    for status, hidden, artist_hidden in itertools.product(
        [MediaStatus.READY, MediaStatus.PROCESSING, MediaStatus.FAILED], [False, True], [False, True]
    ):
        track = TrackFactory(status=status, hidden=hidden)
        if artist_hidden:
            track.artist.hidden = True
            track.artist.save(update_fields=["hidden"])
        tracks.append(track)

    found = {track.pk for track in tracks if Track.objects.public_one(track.pk) is not None}

    assert found == set(Track.objects.public().values_list("pk", flat=True))
    assert len(found) == 1


def test_public_one_loads_what_a_vote_needs_and_the_rest_when_read():
    track = TrackFactory(title="Fado da Sé", duration=201.0)

    found = Track.objects.public_one(track.pk)

    assert (found.pk, found.title, found.genre_id, found.area_id, found.artist_id) == (
        track.pk,
        "Fado da Sé",
        track.genre_id,
        track.area_id,
        track.artist_id,
    )
    assert found.duration == 201.0  # deferred, loaded on first read


@pytest.mark.parametrize("key", [0, -1, 2**63, 10**30])
def test_a_key_no_row_can_have_finds_nothing(key):
    TrackFactory()

    assert Track.objects.public_one(key) is None
