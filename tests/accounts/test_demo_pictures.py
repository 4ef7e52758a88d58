"""Demo artists come with a drawn avatar and cover, kept when the demo loads again."""

from __future__ import annotations

import pytest
from PIL import Image

from apps.accounts import demo
from apps.accounts.models import ArtistProfile


@pytest.mark.django_db
def test_demo_artists_get_an_avatar_and_a_cover_once():
    demo.load()
    artists = list(ArtistProfile.objects.all())
    assert len(artists) == len(demo.ARTISTS)
    for artist in artists:
        with Image.open(artist.avatar.path) as avatar, Image.open(artist.cover.path) as cover:
            assert avatar.size == (320, 320)
            assert cover.size == (1200, 400)
    names = {artist.pk: (artist.avatar.name, artist.cover.name) for artist in artists}

    demo.load()
    assert {a.pk: (a.avatar.name, a.cover.name) for a in ArtistProfile.objects.all()} == names
