"""The check a vote runs on its track (public, and named by one of the pool's rules) is one
statement written out by hand; it must find exactly what the pool's queryset finds."""

from __future__ import annotations

import itertools

import pytest

from apps.media.choices import MediaStatus
from apps.media.models import Track
from apps.venues.models import Event
from apps.venues.providers import LocalCatalog
from tests.factories import AreaFactory, ArtistProfileFactory, EventFactory, GenreFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def night():
    """An event whose pool names one track, one genre, one area and one artist, and tracks
    each rule takes or leaves out, some of them not public."""
    event = EventFactory()
    genre, area, artist = GenreFactory(), AreaFactory(), ArtistProfileFactory()
    named = TrackFactory(genre=None, area=None)
    event.pool_tracks.add(named)
    event.pool_genres.add(genre)
    event.pool_areas.add(area)
    event.pool_artists.add(artist)
    tracks = [
        named,
        TrackFactory(genre=genre, area=None),
        TrackFactory(genre=None, area=area),
        TrackFactory(artist=artist, genre=None, area=None),
        TrackFactory(genre=genre, area=area, artist=artist),  # three rules, one track
        TrackFactory(genre=None, area=None),  # no rule names it
        TrackFactory(genre=genre, status=MediaStatus.PROCESSING),
        TrackFactory(genre=genre, hidden=True),
        TrackFactory(artist=ArtistProfileFactory(hidden=True), area=area),
    ]
    # Another event's pool names every track: its rules are not this event's.
    other = EventFactory()
    other.pool_tracks.add(*tracks)
    return event, tracks


def test_pool_track_finds_exactly_the_tracks_the_pool_holds(night):
    event, tracks = night

    found = {track.pk for track in tracks if Event.objects.pool_track(event.pk, track.pk) is not None}

    assert found == set(LocalCatalog().pool(event).values_list("pk", flat=True))
    assert len(found) == 5


def test_of_the_tracks_a_pool_names_pool_track_finds_exactly_the_public_ones():
    event, tracks = EventFactory(), []
    for status, hidden, artist_hidden in itertools.product(
        [MediaStatus.READY, MediaStatus.PROCESSING, MediaStatus.FAILED], [False, True], [False, True]
    ):
        tracks.append(
            TrackFactory(status=status, hidden=hidden, artist=ArtistProfileFactory(hidden=artist_hidden))
        )
    event.pool_tracks.add(*tracks)

    found = {track.pk for track in tracks if Event.objects.pool_track(event.pk, track.pk) is not None}

    assert found == set(
        Track.objects.public().filter(pk__in=[track.pk for track in tracks]).values_list("pk", flat=True)
    )
    assert len(found) == 1


def test_a_change_to_the_pool_is_seen_by_the_next_vote(night):
    event, tracks = night
    event.pool_genres.clear()
    event.pool_tracks.add(tracks[5])

    found = {track.pk for track in tracks if Event.objects.pool_track(event.pk, track.pk) is not None}

    assert found == set(LocalCatalog().pool(event).values_list("pk", flat=True))
    assert tracks[1].pk not in found and tracks[5].pk in found


def test_pool_track_loads_what_a_vote_needs(night):
    event, tracks = night

    found = Event.objects.pool_track(event.pk, tracks[4].pk)

    assert (found.pk, found.title, found.genre_id, found.area_id, found.artist_id) == (
        tracks[4].pk,
        tracks[4].title,
        tracks[4].genre_id,
        tracks[4].area_id,
        tracks[4].artist_id,
    )


@pytest.mark.parametrize("key", [0, -1, 2**63])
def test_a_key_no_row_can_have_finds_nothing(night, key):
    event, _ = night

    assert Event.objects.pool_track(event.pk, key) is None
