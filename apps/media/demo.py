"""Demo media for the demo artists, made by code when the demo loads: nothing is downloaded.

Tracks are short melodies with drawn cover art, clips the artist's drawn art slowly panning with
level bars dancing to their tune, stories a drawn picture. Everything goes through the same upload
and processing as an artist's own files, so a clip's poster is a frame of its video.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts.models import ArtistProfile
from apps.core import artwork, background
from apps.performances.models import Performance
from apps.places.models import Genre

from . import generate, services
from .models import Clip, Story, Track

# Pentatonic-ish phrases in Hz; each artist gets their own so tracks are told apart.
C, D, E, G, A = 261.63, 293.66, 329.63, 392.0, 440.0


@dataclass(frozen=True)
class DemoMedia:
    artist: str
    tracks: tuple[tuple[str, tuple[float, ...]], ...]
    clip: str
    story: bool = False
    performance: str = ""  # the title of the artist's demo performance the clip was filmed at


DEMO = [
    DemoMedia(
        "marta-lume",
        (("Saudade do Tejo", (A, G, E, D, E, G)), ("Escadinhas", (E, G, A, G, E, D))),
        "Steps of Alfama, last night",
        story=True,
    ),
    DemoMedia(
        "tiago-sax",
        (("Arco Blues", (C, E, G, A, G, E)),),
        "Under the arch",
        story=True,
        performance="Sax under the arch",
    ),
    DemoMedia("kora-collective", (("Four Winds", (D, E, G, A, C * 2, A)),), "Cajón jam"),
    DemoMedia("neon-tram", (("Tram 28 at Night", (G, A, C * 2, D * 2, C * 2, A)),), "Battery synths"),
]
TRACK_SECONDS = 40
CLIP_SECONDS = 4
CLIP_SIZE = (480, 270)


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def _picture(content: ContentFile) -> SimpleUploadedFile:
    return SimpleUploadedFile(content.name, content.read())


def clip_video(spec: DemoMedia, stage_name: str, path: Path) -> Path:
    """The artist's drawn poster for the clip, slowly panning, with bars dancing to their first tune."""
    with Image.open(artwork.poster(spec.clip, artist=stage_name, caption=False)) as picture:
        return generate.make_picture_video(
            path, picture, seconds=CLIP_SECONDS, size=CLIP_SIZE, notes=spec.tracks[0][1]
        )


def load() -> None:
    """Add what is missing: tracks and a clip per demo artist, and stories less than a day old.

    Returns once every demo item is processed: the jukebox's pool needs them ready."""
    with tempfile.TemporaryDirectory(prefix="encore-demo-") as folder:
        work = Path(folder)
        for spec in DEMO:
            artist = ArtistProfile.objects.filter(slug=spec.artist).select_related("user").first()
            if artist is None:
                continue
            genre = Genre.objects.filter(artists=artist).first()
            for title, notes in spec.tracks:
                if Track.objects.filter(artist=artist, title=title).exists():
                    continue
                audio = generate.make_tone(
                    work / f"{spec.artist}-{len(notes)}.mp3", seconds=TRACK_SECONDS, notes=notes
                )
                cover = artwork.artwork(title, artist=artist.stage_name)
                services.upload_track(
                    artist,
                    actor=artist.user,
                    upload=_upload(audio),
                    title=title,
                    genre=genre,
                    area=artist.home_area,
                    artwork=_picture(cover),
                )
            if not Clip.objects.filter(artist=artist, title=spec.clip).exists():
                video = clip_video(spec, artist.stage_name, work / f"{spec.artist}.mp4")
                filmed_at = Performance.objects.filter(artist=artist, title=spec.performance).first()
                services.upload_clip(
                    artist,
                    actor=artist.user,
                    upload=_upload(video),
                    title=spec.clip,
                    performance=filmed_at,
                )
            # Stories last a day: a fresh one whenever the demo loads after the last expired.
            if spec.story and not Story.objects.filter(artist=artist).exists():
                photo = artwork.poster("Tonight", artist=artist.stage_name, size=(720, 1280))
                services.upload_story(artist, actor=artist.user, upload=_picture(photo))
    background.drain()
