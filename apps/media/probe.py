"""What an uploaded file really is, decided by its content, never its name or declared type."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"


class RejectedUpload(Exception):  # noqa: N818 - it is an outcome the uploader sees, not a bug
    """The file is not something we accept; ``message`` says why, for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Probe:
    kind: MediaKind
    # Container or image format as detected: "mp4", "webm", "matroska", "mp3", "ogg", "wav",
    # "flac", "adts", "jpeg", "png", "webp", "gif".
    container: str
    # The extension the server stores the file under (".mp4", ".mp3", ".jpg", ...).
    extension: str
    mime_type: str
    duration: float | None = None  # seconds; None for images
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None  # "h264", "vp9", ...
    audio_codec: str | None = None  # "aac", "mp3", "opus", ...
    pixel_format: str | None = None  # "yuv420p", ...
