from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.media import generate
from tests.factories import ArtistProfileFactory

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="session")
def media_files(tmp_path_factory) -> dict[str, Path]:
    """Real small media made once for the run: a clip, a tune, a photo with GPS in its EXIF."""
    folder = tmp_path_factory.mktemp("media-files")
    return {
        "video": generate.make_video(folder / "clip.mp4", seconds=2, size=(320, 240)),
        "webm": generate.make_video(folder / "clip.webm", seconds=1, size=(160, 120)),
        "audio": generate.make_tone(folder / "tune.mp3", seconds=3, notes=(440.0, 554.37, 659.25)),
        "wav": generate.make_tone(folder / "tune.wav", seconds=2),
        "image": generate.make_image(folder / "photo.jpg", size=(640, 480), exif_gps=True),
    }


def as_upload(path: Path, name: str | None = None, content_type: str = "application/octet-stream"):  # noqa: ANN201
    """A file as a browser or app would send it; the declared name and type are not trusted."""
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=content_type)


@pytest.fixture
def artist():
    return ArtistProfileFactory()


def stored_files(root: str | Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file() and p.parts[-3] in {"clips", "stories", "tracks"}]
