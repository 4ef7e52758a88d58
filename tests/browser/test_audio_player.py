"""The audio player: a listener plays a track with its button, sees the time move, a play is
counted once they have heard enough, and starting another track pauses the first."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.media import generate
from apps.media.models import Play
from tests.factories import ArtistProfileFactory, TrackFactory

pytestmark = pytest.mark.browser

SECONDS = 3.0  # a play of a track this short counts after 2 s (its length less one second)


def playable_track(artist, title: str):  # noqa: ANN001, ANN201
    with tempfile.TemporaryDirectory() as folder:
        audio = generate.make_tone(Path(folder) / "tune.mp3", seconds=SECONDS, notes=(440.0, 523.25))
        data = audio.read_bytes()
    return TrackFactory(
        artist=artist,
        title=title,
        web_file__data=data,
        web_file__filename="web.mp3",
        mime_type="audio/mpeg",
        duration=SECONDS,
    )


def test_playing_a_track_through_the_player_counts_a_play(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    track = playable_track(artist, "Lisboa Menina")
    page = open_page(artist.get_absolute_url())

    play = page.get_by_role("button", name="Play Lisboa Menina by Rua Nova")
    slider = page.get_by_role("slider", name="Position in Lisboa Menina")
    expect(play).to_have_attribute("aria-pressed", "false")
    expect(slider).to_have_attribute("aria-valuetext", "0 seconds of 3 seconds")
    # The browser's own controls give way to the player's.
    expect(page.locator(f"#track-{track.pk} audio")).to_be_hidden()

    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#track-{track.pk} [data-play-count]")).to_have_text("1", timeout=10_000)
    expect(page.locator(f"#track-{track.pk} [data-play-noun]")).to_have_text("play")
    assert Play.objects.filter(track=track).count() == 1
    # At the end the button offers to play again.
    expect(play).to_have_attribute("aria-pressed", "false", timeout=5_000)


def test_starting_one_player_pauses_the_other(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    playable_track(artist, "First")
    playable_track(artist, "Second")
    page = open_page(artist.get_absolute_url())

    first = page.get_by_role("button", name="Play First by Rua Nova")
    second = page.get_by_role("button", name="Play Second by Rua Nova")
    first.click()
    expect(first).to_have_attribute("aria-pressed", "true")
    second.click()
    expect(second).to_have_attribute("aria-pressed", "true")
    expect(first).to_have_attribute("aria-pressed", "false")


def test_the_keyboard_plays_pauses_and_moves_through_a_track(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    playable_track(artist, "Lisboa Menina")
    page = open_page(artist.get_absolute_url())

    play = page.get_by_role("button", name="Play Lisboa Menina by Rua Nova")
    play.focus()
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-pressed", "false")

    slider = page.get_by_role("slider", name="Position in Lisboa Menina")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "1 second of 3 seconds")


def test_moving_through_a_track_before_playing_it_starts_it_there(open_page):
    # Nothing is loaded before the first play (preload="none"): the position chosen must be kept
    # rather than snapping back to the start.
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    playable_track(artist, "Lisboa Menina")
    page = open_page(artist.get_absolute_url())

    slider = page.get_by_role("slider", name="Position in Lisboa Menina")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "2 seconds of 3 seconds")

    page.get_by_role("button", name="Play Lisboa Menina by Rua Nova").click()
    # It played from two seconds in: the three-second track ends within about a second.
    expect(page.get_by_role("button", name="Play Lisboa Menina by Rua Nova")).to_have_attribute(
        "aria-pressed", "false", timeout=2500
    )
    assert page.evaluate("() => document.querySelector('audio').ended")
