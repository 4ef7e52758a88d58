"""The demo's clips show the artist's drawn art, not a test card, and go through the upload path."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image, ImageOps

from apps.core import artwork
from apps.media import demo
from apps.media.models import Clip
from tests.factories import ArtistProfileFactory


def first_frame_and_sound(path: str) -> tuple[np.ndarray, bool]:
    with av.open(path) as container:
        frame = next(container.decode(video=0))
        return np.asarray(frame.to_image().convert("RGB"), dtype=np.float32), bool(container.streams.audio)


@pytest.mark.django_db
def test_a_demo_clip_opens_on_the_artists_drawn_art_and_plays_their_tune(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(demo, "TRACK_SECONDS", 2)  # the tracks are not what this checks
    ArtistProfileFactory(slug="kora-collective", stage_name="Kora Collective")
    spec = next(spec for spec in demo.DEMO if spec.artist == "kora-collective")
    with django_capture_on_commit_callbacks(execute=True):
        demo.load()

    clip = Clip.objects.get(title=spec.clip)
    assert clip.status == "ready"
    frame, sound = first_frame_and_sound(clip.web_file.path)
    assert sound
    height, width, _ = frame.shape
    with Image.open(artwork.poster(spec.clip, artist="Kora Collective", caption=False)) as drawn:
        art = np.asarray(ImageOps.fit(drawn.convert("RGB"), (width, height)), dtype=np.float32)
    # Compared in blocks, so the art may be framed a little differently: a test card's bars
    # differ from the art by about a hundred levels, a frame of the art by a few.
    assert np.abs(blocks(frame) - blocks(art)).mean() < 20


def blocks(pixels: np.ndarray, n: int = 6) -> np.ndarray:
    height, width, _ = pixels.shape
    rows, cols = height // n * n, width // n * n
    return pixels[:rows, :cols].reshape(n, rows // n, n, cols // n, 3).mean(axis=(1, 3))
