"""Demo media for the demo artists, made by code when the demo loads: nothing is downloaded.

Tracks are short melodies with drawn cover art, clips a moving test card with a tune and a drawn
poster, stories a drawn picture. Everything goes through the same upload and processing as an
artist's own files; only the clips' posters are swapped for drawn ones once processed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import ArtistProfile
from apps.core import artwork, background
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
    hue: float
    story: bool = False


DEMO = [
    DemoMedia(
        "marta-lume",
        (("Saudade do Tejo", (A, G, E, D, E, G)), ("Escadinhas", (E, G, A, G, E, D))),
        "Steps of Alfama, last night",
        0.0,
        story=True,
    ),
    DemoMedia("tiago-sax", (("Arco Blues", (C, E, G, A, G, E)),), "Under the arch", 0.3, story=True),
    DemoMedia("kora-collective", (("Four Winds", (D, E, G, A, C * 2, A)),), "Cajón jam", 0.55),
    DemoMedia("neon-tram", (("Tram 28 at Night", (G, A, C * 2, D * 2, C * 2, A)),), "Battery synths", 0.75),
]
TRACK_SECONDS = 40
THUMBNAIL_SIZE = (320, 180)
CLIP_SECONDS = 4


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def _picture(content: ContentFile) -> SimpleUploadedFile:
    return SimpleUploadedFile(content.name, content.read())


def _posters(clips: list[Clip]) -> None:
    """Give processed demo clips a drawn poster and thumbnail instead of a frame of the test card."""
    for clip in Clip.objects.filter(pk__in=[clip.pk for clip in clips]).select_related("artist"):
        if not clip.poster:
            continue  # processing failed: the page shows no clip anyway
        stale = [name for name in (clip.poster.name, clip.thumbnail.name) if name]
        big = artwork.poster(clip.title, artist=clip.artist.stage_name, caption=False)
        small = artwork.poster(clip.title, artist=clip.artist.stage_name, size=THUMBNAIL_SIZE, caption=False)
        clip.poster.save(big.name, big, save=False)
        clip.thumbnail.save(small.name.replace("poster", "thumbnail"), small, save=False)
        clip.save(update_fields=["poster", "thumbnail"])
        for name in stale:
            clip.poster.storage.delete(name)


def load() -> None:
    """Add what is missing: tracks and a clip per demo artist, and stories less than a day old.

    Returns once every demo item is processed: the jukebox's pool needs them ready."""
    new_clips: list[Clip] = []
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
                video = generate.make_video(
                    work / f"{spec.artist}.mp4", seconds=CLIP_SECONDS, size=(480, 270), hue=spec.hue
                )
                clip = services.upload_clip(artist, actor=artist.user, upload=_upload(video), title=spec.clip)
                new_clips.append(clip)
            # Stories last a day: a fresh one whenever the demo loads after the last expired.
            if spec.story and not Story.objects.filter(artist=artist).exists():
                photo = artwork.poster("Tonight", artist=artist.stage_name, size=(720, 1280))
                services.upload_story(artist, actor=artist.user, upload=_picture(photo))
    background.drain()
    _posters(new_clips)
