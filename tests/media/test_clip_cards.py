"""Clips show as cards: the video on its poster, the title, the length and where it was filmed."""

from __future__ import annotations

import pytest

from apps.media.templatetags.media import clock
from tests.factories import ClipFactory, PerformanceFactory

pytestmark = pytest.mark.django_db


def test_a_clip_card_on_the_artist_page_shows_its_poster_title_length_and_performance(client):
    performance = PerformanceFactory(title="Sax under the arch")
    clip = ClipFactory(
        artist=performance.artist, performance=performance, title="Under the arch", duration=75.4
    )
    page = client.get(performance.artist.get_absolute_url()).content.decode()
    card = page[page.index(f'id="clip-{clip.pk}"') :]
    card = card[: card.index("</li>")]
    assert f'poster="{clip.poster.url}"' in card
    assert "Under the arch" in card
    assert "1:15" in card
    assert f'href="{performance.get_absolute_url()}"' in card and "Sax under the arch" in card


def test_a_clip_card_on_its_performance_page_does_not_link_back_to_it(client):
    performance = PerformanceFactory()
    clip = ClipFactory(artist=performance.artist, performance=performance, title="From the set")
    page = client.get(performance.get_absolute_url()).content.decode()
    card = page[page.index(f'id="clip-{clip.pk}"') :]
    card = card[: card.index("</li>")]
    assert "From the set" in card and f'poster="{clip.poster.url}"' in card
    assert performance.get_absolute_url() not in card


@pytest.mark.parametrize(
    ("seconds", "shown"), [(4.0, "0:04"), (59.6, "1:00"), (207, "3:27"), (3725, "1:02:05"), (None, "")]
)
def test_a_clip_length_reads_as_a_clock(seconds, shown):
    assert clock(seconds) == shown
