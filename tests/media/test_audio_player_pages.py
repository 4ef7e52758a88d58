"""Tracks play in the one audio player wherever they are listed, and each player carries what
counting a play needs: the track's play URL and its counting point."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.curation.models import Collection, CollectionItem, CollectionStatus
from tests.factories import ArtistProfileFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def players(html: str) -> list[str]:
    return re.findall(
        r'<div class="audio-player[^"]*" data-audio-player>.*?</div>\s*</div>\s*</div>', html, re.S
    )


def test_an_artist_page_plays_each_track_in_the_player_that_counts_plays(client):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    long, short = (
        TrackFactory(artist=artist, title="Long", duration=180.0),
        TrackFactory(artist=artist, title="Short", duration=12.0),
    )
    html = client.get(artist.get_absolute_url()).content.decode()
    found = players(html)
    assert len(found) == 2
    for track, counts_after in [(long, "30.0"), (short, "11.0")]:
        player = next(p for p in found if f"<strong>{track.title}</strong>" in p)
        assert f'src="{track.web_file.url}"' in player
        assert f'data-play-url="{reverse("api:catalog-track-plays", args=[track.pk])}"' in player
        assert f'data-play-after="{counts_after}"' in player
        assert f'aria-label="Play {track.title} by Rua Nova"' in player
        assert "<audio controls" in player  # without JavaScript the browser's controls still play it
    assert "js/player.js" in html


def test_a_collection_plays_its_tracks_in_the_player(client):
    curator = UserFactory()
    collection = Collection.objects.create(
        title="Fado nights", slug="fado-nights", curator=curator, status=CollectionStatus.PUBLISHED
    )
    track = TrackFactory(title="Saudade", artist=ArtistProfileFactory(stage_name="Marta Lume"))
    CollectionItem.objects.create(collection=collection, position=1, track=track)
    html = client.get(reverse("collection-detail", args=[collection.slug])).content.decode()
    (player,) = players(html)
    assert f'src="{track.web_file.url}"' in player
    assert 'aria-label="Play Saudade by Marta Lume"' in player
    assert f'data-play-url="{reverse("api:catalog-track-plays", args=[track.pk])}"' in player
    assert "js/player.js" in html
