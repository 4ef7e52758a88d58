"""What an uploaded file really is, decided by its content, never its name or declared type."""

from __future__ import annotations

import math
import mmap
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import av
from django.conf import settings
from PIL import GifImagePlugin, Image, ImageFile, JpegImagePlugin, PngImagePlugin, WebPImagePlugin


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
    # Container or image format as detected: "mp4", "mov", "webm", "matroska", "mp3", "ogg", "wav",
    # "flac", "adts", "jpeg", "png", "webp", "gif".
    container: str
    # The extension the server stores the file under (".mp4", ".mp3", ".jpg", ...).
    extension: str
    mime_type: str
    duration: float | None = None  # seconds; None for images
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None  # "h264", "vp9", ...; for audio, the cover picture's ("mjpeg")
    audio_codec: str | None = None  # "aac", "mp3", "opus", ...
    pixel_format: str | None = None  # "yuv420p", ...


EMPTY = "The file is empty."
MARKUP = "This file contains markup (HTML, SVG or script), which we do not accept."
IMAGE_DAMAGED = "The image is damaged or incomplete."
IMAGE_EXTRA_DATA = "This image carries extra data after its end, which we do not accept."
DAMAGED = "The file is damaged or incomplete."
TRUNCATED = "The file is incomplete or damaged (it ends before its declared length)."

_NOUNS = {MediaKind.VIDEO: "a video", MediaKind.AUDIO: "an audio file", MediaKind.IMAGE: "an image"}
_FORMATS = {
    MediaKind.VIDEO: "MP4, MOV, WebM and MKV video",
    MediaKind.AUDIO: "MP3, M4A, AAC, Ogg, Opus, WAV and FLAC audio",
    MediaKind.IMAGE: "JPEG, PNG, WebP and GIF images",
}


def inspect_file(
    path: str | Path, *, accept: Iterable[MediaKind], max_bytes: int, max_seconds: float | None = None
) -> Probe:
    """Say what the file is, or raise RejectedUpload with a message for the uploader."""
    path = Path(path)
    accept = frozenset(accept)
    if not accept:
        raise ValueError("accept names no kind of media")
    _check_size(path, max_bytes)
    _check_markup(path)
    probe = _inspect_image(path) or _inspect_audio_video(path, accept)
    if max_seconds is not None and probe.duration is not None:
        _check_duration(probe, max_seconds)
    if probe.kind not in accept:
        raise RejectedUpload("Upload " + _join([_NOUNS[kind] for kind in MediaKind if kind in accept]) + ".")
    return probe


# --- size and markup ------------------------------------------------------------------------------


def _check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size == 0:
        raise RejectedUpload(EMPTY)
    if size > max_bytes:
        raise RejectedUpload(f"The file is larger than {_amount_of_bytes(max_bytes)}.")


def _amount_of_bytes(n: int) -> str:
    megabytes = n / (1024 * 1024)
    if megabytes >= 10:
        return f"{megabytes:.0f} MB"
    if megabytes >= 1:
        return f"{megabytes:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(n / 1024))} KB"


# Markup that a browser could run if the file were ever sniffed or served as a document.
_MARKUP_MARKERS = (
    b"<svg",
    b"<script",
    b"<html",
    b"<body",
    b"<iframe",
    b"<?php",
    b"<!doctype",
    b"javascript:",
)
# A marker only counts when it is followed by what ends a tag name and then by a run of text, as real
# markup is: in compressed media "<svg" turns up by chance about once every 500 MB, followed by binary.
_MARKUP = re.compile(
    rb"(?:<(?:svg|script|html|body|iframe)[\t\n\x0c\r />]|<\?php[\t\n\x0c\r ]|<!doctype|javascript:)"
    rb"[\t\n\x0c\r\x20-\x7e]{6}"
)
# An XML declaration runs nothing by itself, and cameras (Sony, 360° rigs) embed XML metadata in real
# videos: it marks markup only where it opens the file, as in an SVG or XHTML document.
_XML_DOCUMENT = re.compile(rb"(?:\xef\xbb\xbf)?[\t\n\r ]*<\?xml[\t\n\r ]", re.IGNORECASE)
# Image headers that go on as the start of a JavaScript comment ("GIF89a/*", or a JPEG whose JFIF
# segment length reads "/*"): the classic image-and-script polyglots, loaded with <script src=...>.
# Real images do not: that GIF is 10799 pixels wide, and no JFIF thumbnail fills that segment length.
_SCRIPT_IMAGE = re.compile(rb"GIF8[79]a/\*|\xff\xd8\xff\xe0/\*")
_CHUNK = 1024 * 1024
# Longer than the longest match, so markup split across two chunks is still seen whole.
_OVERLAP = 32


def _check_markup(path: Path) -> None:
    tail = b""
    with path.open("rb") as file:
        head = file.read(64)
        if _XML_DOCUMENT.match(head) or _SCRIPT_IMAGE.match(head):
            raise RejectedUpload(MARKUP)
        file.seek(0)
        while chunk := file.read(_CHUNK):
            # Lowercasing bytes is ASCII-only and keeps offsets, so plain find() serves case-insensitively.
            window = (tail + chunk).lower()
            for marker in _MARKUP_MARKERS:
                at = window.find(marker)
                while at >= 0:
                    if _MARKUP.match(window, at):
                        raise RejectedUpload(MARKUP)
                    at = window.find(marker, at + 1)
            tail = window[-_OVERLAP:]


# --- images ---------------------------------------------------------------------------------------

# format: (its reader, which parses the header without decoding pixels; extension; mime type)
_IMAGE_FORMATS: dict[str, tuple[type[ImageFile.ImageFile], str, str]] = {
    "jpeg": (JpegImagePlugin.JpegImageFile, ".jpg", "image/jpeg"),
    "png": (PngImagePlugin.PngImageFile, ".png", "image/png"),
    "webp": (WebPImagePlugin.WebPImageFile, ".webp", "image/webp"),
    "gif": (GifImagePlugin.GifImageFile, ".gif", "image/gif"),
}
_PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, Image.DecompressionBombError)


def _image_format(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    return None


def _inspect_image(path: Path) -> Probe | None:
    with path.open("rb") as file:
        image_format = _image_format(file.read(16))
    if image_format is None:
        return None
    reader, extension, mime_type = _IMAGE_FORMATS[image_format]
    try:
        # The format's own reader, not Image.open: that refuses very large images before we could
        # name their size, and it would guess among every format Pillow knows.
        with reader(path) as image:
            width, height = image.size
            _check_pixels(width, height)
            _check_image_end(path, image_format)
            # Only the first frame is decoded: an animation multiplies the pixels by its frame count,
            # and the walk above has already shown that every frame is present.
            image.load()
    except RejectedUpload:
        raise
    except _PILLOW_ERRORS as exc:
        raise RejectedUpload(IMAGE_DAMAGED) from exc
    return Probe(
        kind=MediaKind.IMAGE,
        container=image_format,
        extension=extension,
        mime_type=mime_type,
        width=width,
        height=height,
    )


def _check_pixels(width: int, height: int) -> None:
    # Pixel floods are a few KB on disk and gigabytes once decoded, so this comes before any decoding.
    limit = settings.MEDIA_IMAGE_MAX_PIXELS
    if width * height > limit:
        raise RejectedUpload(
            f"The image is too large: {width}×{height} pixels; the limit is {limit / 1_000_000:g} megapixels."
        )


def _check_image_end(path: Path, image_format: str) -> None:
    """Walk the file's structure to its end marker: anything after it is a second file riding along."""
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        try:
            end = _IMAGE_ENDS[image_format](data)
        except (IndexError, ValueError) as exc:  # the structure runs past the end of the file
            raise RejectedUpload(IMAGE_DAMAGED) from exc
        if end > len(data):
            raise RejectedUpload(IMAGE_DAMAGED)
        if end < len(data):
            raise RejectedUpload(IMAGE_EXTRA_DATA)


# In entropy-coded data 0xFF is followed by 0x00 (stuffing), a restart marker or more 0xFF (fill).
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg_end(data: mmap.mmap, start: int = 0) -> int:
    pos = start + 2  # after SOI
    while True:
        if data[pos] != 0xFF:
            raise ValueError("expected a marker")
        while data[pos] == 0xFF:
            pos += 1
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return pos
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            continue
        length = int.from_bytes(data[pos : pos + 2])
        if length < 2 or pos + length > len(data):
            raise ValueError("segment runs past the end")
        pos += length
        if marker == 0xDA:  # start of scan: the compressed data runs to the next real marker
            found = _JPEG_MARKER.search(data, pos)
            if found is None:
                raise ValueError("scan without an end")
            pos = found.start()


def _jpeg_images_end(data: mmap.mmap) -> int:
    end = _jpeg_end(data)
    # Phone cameras store HDR gain maps and multi-picture sets as further complete JPEGs after the
    # first (MPF); those are images, not a payload.
    while data[end : end + 3] == b"\xff\xd8\xff":
        end = _jpeg_end(data, end)
    return end


def _png_end(data: mmap.mmap) -> int:
    pos = 8  # after the signature
    while True:
        length = int.from_bytes(data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("chunk runs past the end")
        if zlib.crc32(data[pos + 4 : end - 4]) != int.from_bytes(data[end - 4 : end]):
            raise ValueError("damaged chunk")
        pos = end
        if chunk_type == b"IEND":
            return pos


def _gif_end(data: mmap.mmap) -> int:
    pos = 13 + _gif_color_table_size(data[10])  # after header, screen descriptor and global colours
    while True:
        block = data[pos]
        if block == 0x3B:  # trailer
            return pos + 1
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _skip_gif_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image: descriptor, local colours, LZW code size, then sub-blocks
            pos += 10 + _gif_color_table_size(data[pos + 9])
            pos = _skip_gif_sub_blocks(data, pos + 1)
        else:
            raise ValueError("unknown block")


def _gif_color_table_size(flags: int) -> int:
    return 3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0


def _skip_gif_sub_blocks(data: mmap.mmap, pos: int) -> int:
    while size := data[pos]:
        pos += 1 + size
    return pos + 1


def _webp_end(data: mmap.mmap) -> int:
    # RIFF states its own length; chunks are padded to an even size.
    size = int.from_bytes(data[4:8], "little")
    return 8 + size + (size & 1)


_IMAGE_ENDS = {"jpeg": _jpeg_images_end, "png": _png_end, "gif": _gif_end, "webp": _webp_end}


# --- audio and video ------------------------------------------------------------------------------

# FFmpeg demuxer → our container family. Only these demuxers may even open the file: others follow
# playlists and references to further files or addresses (hls, concat), or read images (image2).
_DEMUXERS = {
    "mov,mp4,m4a,3gp,3g2,mj2": "mp4",
    "matroska,webm": "matroska",
    "mp3": "mp3",
    "ogg": "ogg",
    "wav": "wav",
    "flac": "flac",
    "aac": "adts",
}
# Containers that only carry sound: a picture inside them is cover art, never a video.
_AUDIO_CONTAINERS = {"mp3", "wav", "flac", "adts"}
# Raw frame streams have no trustworthy length in their header (FFmpeg often estimates it from the
# bitrate), so their length is measured from the frames instead of checked against it.
_MEASURED_LENGTH = {"mp3", "adts"}
_STILL_IMAGE_CODECS = {"mjpeg", "png", "bmp", "gif", "webp", "tiff"}
# ISO brands of still and animated HEIF/AVIF pictures, which the MP4 demuxer would also open.
_HEIF_BRANDS = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"}
# Signatures of the accepted containers other than MP4 (which is recognised by its ftyp box).
_CONTAINER_MAGIC = (b"\x1a\x45\xdf\xa3", b"OggS", b"fLaC", b"RIFF")
# container: (video extension, video mime, audio extension, audio mime)
_CONTAINER_FILES = {
    "mp4": (".mp4", "video/mp4", ".m4a", "audio/mp4"),
    "mov": (".mov", "video/quicktime", ".m4a", "audio/mp4"),
    "webm": (".webm", "video/webm", ".webm", "audio/webm"),
    "matroska": (".mkv", "video/x-matroska", ".mka", "audio/x-matroska"),
    "mp3": ("", "", ".mp3", "audio/mpeg"),
    "ogg": (".ogv", "video/ogg", ".ogg", "audio/ogg"),
    "wav": ("", "", ".wav", "audio/wav"),
    "flac": ("", "", ".flac", "audio/flac"),
    "adts": ("", "", ".aac", "audio/aac"),
}
# A legitimate 15-minute recording has tens of thousands of packets; millions mean a file built to
# keep us busy.
_MAX_PACKETS = 1_000_000


def _inspect_audio_video(path: Path, accept: frozenset[MediaKind]) -> Probe:
    with path.open("rb") as file:
        head = file.read(64)
        file.seek(0)
        brand = head[8:12].decode("latin-1").strip().lower() if head[4:8] == b"ftyp" else ""
        if brand in _HEIF_BRANDS:
            raise RejectedUpload(_image_format_message(brand.upper()))
        try:
            container = av.open(
                file,
                container_options={"format_whitelist": ",".join(_DEMUXERS)},
                metadata_errors="replace",
            )
        except av.FFmpegError:
            # An MP4 whose index never arrived is still an MP4: say it is damaged, not foreign.
            if head.startswith(_CONTAINER_MAGIC) or head[4:8] == b"ftyp":
                raise RejectedUpload(DAMAGED) from None
            raise RejectedUpload(_unaccepted_message(path, accept)) from None
        with container:
            return _probe_container(path, head, container, accept)


def _unaccepted_message(path: Path, accept: frozenset[MediaKind]) -> str:
    image_format = _other_image_format(path)
    if image_format:
        return _image_format_message(image_format)
    formats = "; ".join(_FORMATS[kind] for kind in MediaKind if kind in accept)
    return f"This file is not a video, audio or image we accept (we take {formats})."


def _image_format_message(name: str) -> str:
    return f"This image format ({name}) is not accepted; upload a JPEG, PNG, WebP or GIF image."


def _other_image_format(path: Path) -> str | None:
    """The name of an image format we do not take (BMP, TIFF, ...), to say so plainly."""
    try:
        with Image.open(path) as image:
            return image.format
    except _PILLOW_ERRORS:
        return None


def _probe_container(
    path: Path, head: bytes, container: av.container.InputContainer, accept: frozenset[MediaKind]
) -> Probe:
    family = _container_family(head, container)
    pictures = [s for s in container.streams.video if _is_picture(s, family)]
    video = next((s for s in container.streams.video if s not in pictures), None)
    audio = next(iter(container.streams.audio), None)
    main = video or audio
    if main is None:
        raise RejectedUpload(_unaccepted_message(path, accept))
    if video is not None:
        _check_video_size(video)

    declared = None if family in _MEASURED_LENGTH else _declared_duration(container)
    measured, first_frame = _scan_packets(container, main, [s for s in (video, audio) if s is not None])
    # Files recorded live (a browser's WebM) declare no length; what the packets span is their length.
    duration = declared or measured
    if duration <= 0:
        raise RejectedUpload(DAMAGED)
    if declared and measured < declared - max(1.0, 0.05 * declared):
        raise RejectedUpload(TRUNCATED)
    if first_frame is None:
        raise RejectedUpload(DAMAGED)
    return _describe(family, duration, video, audio, next(iter(pictures), None))


def _describe(
    family: str,
    duration: float,
    video: av.video.stream.VideoStream | None,
    audio: av.audio.stream.AudioStream | None,
    picture: av.video.stream.VideoStream | None,
) -> Probe:
    video_extension, video_mime, audio_extension, audio_mime = _CONTAINER_FILES[family]
    audio_codec = audio.codec_context.codec.canonical_name if audio else None
    if family == "ogg" and audio_codec == "opus":
        audio_extension = ".opus"
    # An audio file names its cover picture's codec, so that it is not mistaken for plain sound.
    visual = video or picture
    return Probe(
        kind=MediaKind.VIDEO if video else MediaKind.AUDIO,
        container=family,
        extension=video_extension if video else audio_extension,
        mime_type=video_mime if video else audio_mime,
        duration=round(duration, 3),
        width=video.codec_context.width if video else None,
        height=video.codec_context.height if video else None,
        video_codec=visual.codec_context.codec.canonical_name if visual else None,
        audio_codec=audio_codec,
        pixel_format=video.codec_context.pix_fmt if video else None,
    )


def _container_family(head: bytes, container: av.container.InputContainer) -> str:
    family = _DEMUXERS[container.format.name]
    if family == "mp4":
        # Without an ftyp box (no brand) the file is classic QuickTime.
        brand = container.metadata.get("major_brand", "qt").strip()
        return "mov" if brand == "qt" else "mp4"
    if family == "matroska":
        return "webm" if _matroska_doctype(head) == b"webm" else "matroska"
    return family


def _matroska_doctype(head: bytes) -> bytes:
    """The DocType from the EBML header: WebM and Matroska share one demuxer and differ only here."""
    at = head.find(b"\x42\x82")
    if at < 0 or at + 3 > len(head):
        return b""
    width = 9 - head[at + 2].bit_length()  # an EBML size says its own width by its leading zero bits
    if not 1 <= width <= 8:
        return b""
    size = int.from_bytes(head[at + 2 : at + 2 + width]) & ((1 << (7 * width)) - 1)
    return head[at + 2 + width : at + 2 + width + size]


def _is_picture(stream: av.video.stream.VideoStream, family: str) -> bool:
    """Cover art is stored as a one-frame video stream; it does not make the file a video."""
    if family in _AUDIO_CONTAINERS or stream.disposition & av.stream.Disposition.attached_pic:
        return True
    return stream.codec_context.name in _STILL_IMAGE_CODECS and stream.frames == 1


def _check_video_size(video: av.video.stream.VideoStream) -> None:
    width, height = video.codec_context.width, video.codec_context.height
    limit = settings.MEDIA_VIDEO_MAX_SIDE
    if max(width, height) > limit:
        raise RejectedUpload(
            f"The video is too large: {width}×{height} pixels; the limit is {limit} pixels on either side."
        )


def _declared_duration(container: av.container.InputContainer) -> float | None:
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    lengths = [
        float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base is not None
    ]
    return max(lengths, default=None)


def _scan_packets(
    container: av.container.InputContainer, main: av.stream.Stream, streams: list[av.stream.Stream]
) -> tuple[float, av.frame.Frame | None]:
    """Read every packet without decoding them, to find where the media really ends.

    Only the main stream's first frame is decoded, to prove the packets hold real media.
    """
    ends: dict[int, int] = {}
    first_frame = None
    count = 0
    main.codec_context.thread_count = 1
    try:
        for packet in container.demux(*streams):
            count += 1
            if count > _MAX_PACKETS:
                raise RejectedUpload(DAMAGED)
            at = packet.pts if packet.pts is not None else packet.dts
            if at is not None:
                index = packet.stream.index
                ends[index] = max(ends.get(index, at), at + (packet.duration or 0))
            if first_frame is None and packet.stream is main:
                first_frame = _decode_first(packet)
    except av.FFmpegError as exc:
        raise RejectedUpload(TRUNCATED) from exc

    start = container.start_time / av.time_base if container.start_time is not None else 0.0
    measured = max(
        (float(end * stream.time_base) - start for stream in streams if (end := ends.get(stream.index))),
        default=0.0,
    )
    return measured, first_frame


def _decode_first(packet: av.packet.Packet) -> av.frame.Frame | None:
    try:
        frames = packet.decode()
    except av.FFmpegError as exc:
        raise RejectedUpload(DAMAGED) from exc
    return frames[0] if frames else None


# --- duration -------------------------------------------------------------------------------------

# Encoders pad the last frame, so a clip cut at exactly 5:00 often measures 5:00.02.
_DURATION_GRACE = 0.5


def _check_duration(probe: Probe, max_seconds: float) -> None:
    if probe.duration is not None and probe.duration > max_seconds + _DURATION_GRACE:
        what = "video" if probe.kind is MediaKind.VIDEO else "audio file"
        length, limit = _clock(math.ceil(probe.duration)), _clock(int(max_seconds))
        raise RejectedUpload(f"The {what} is {length} long; the limit is {limit}.")


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
