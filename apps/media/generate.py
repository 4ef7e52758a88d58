"""Synthetic clips, tracks and photos made from code, for the demo data and the tests.

Everything here is drawn or synthesised on the fly, so the demo city never depends on
downloaded media. The container or image format always follows the file's suffix.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import av
import numpy as np
from PIL import Image, ImageOps

# suffix -> (muxer, video encoder, audio encoder, audio sample format, audio rate or None for any)
_VIDEO_FORMATS: dict[str, tuple[str, str, str, str, int | None]] = {
    ".mp4": ("mp4", "libx264", "aac", "fltp", None),
    ".mov": ("mov", "libx264", "aac", "fltp", None),
    ".mkv": ("matroska", "libx264", "aac", "fltp", None),
    ".webm": ("webm", "libvpx-vp9", "libopus", "flt", 48000),
}
# suffix -> (muxer, audio encoder, sample format, rate or None for any)
_AUDIO_FORMATS: dict[str, tuple[str, str, str, int | None]] = {
    ".mp3": ("mp3", "libmp3lame", "fltp", None),
    ".m4a": ("ipod", "aac", "fltp", None),
    ".ogg": ("ogg", "libopus", "flt", 48000),
    ".opus": ("opus", "libopus", "flt", 48000),
    ".wav": ("wav", "pcm_s16le", "s16", None),
    ".flac": ("flac", "flac", "s16", None),
}
_IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
# Samples per audio frame: what AAC, Opus (20 ms at 48 kHz) and MP3 each insist on.
_FRAME_SAMPLES = {"aac": 1024, "libopus": 960, "libmp3lame": 1152}

# Where the demo photos claim to be taken: Lisbon's Praça do Comércio.
DEMO_GPS = {"latitude": 38.7075, "longitude": -9.1364}
# Rotate 90° clockwise to display, the tag a phone held upright writes.
DEMO_ORIENTATION = 6

T = TypeVar("T")

_WORKER_OPTIONS = {
    "libx264": {"preset": "ultrafast", "crf": "28"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "40", "b": "0"},
}


def make_video(
    path: str | Path,
    *,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 25,
    with_audio: bool = True,
    hue: float = 0.0,
) -> Path:
    """Write a test-card clip: colour bars, a sliding gradient and a binary frame counter, plus a tune.

    ``hue`` (in turns, 0–1) shifts the colours and the pitch so demo clips are told apart.
    """
    width, height = size
    n_frames = max(1, round(seconds * fps))
    painter = _TestCard(width, height, hue)
    base = 220.0 * 2 ** (round(hue * 12) / 12)  # a semitone per twelfth of a turn
    notes = (base * 2, base * 5 / 2, base * 3, base * 4) if with_audio else ()
    frames = (painter.frame(index, n_frames) for index in range(n_frames))
    return _write_video(Path(path), frames, size=size, fps=fps, seconds=seconds, notes=notes)


def make_picture_video(
    path: str | Path,
    picture: Image.Image,
    *,
    seconds: float = 4.0,
    size: tuple[int, int] = (480, 270),
    fps: int = 25,
    notes: Sequence[float] = (),
) -> Path:
    """Write a clip of ``picture`` panning slowly sideways (a pixel a frame), with a row of level bars
    dancing along the bottom in time with ``notes`` (Hz; none: a silent clip).

    The first frame is the picture's left part, fitted to ``size``, so a poster taken early looks like it.
    """
    n_frames = max(1, round(seconds * fps))
    painter = _Pan(picture.convert("RGB"), size, n_frames, notes, seconds)
    frames = (painter.frame(index) for index in range(n_frames))
    return _write_video(Path(path), frames, size=size, fps=fps, seconds=seconds, notes=notes)


def _write_video(
    path: Path,
    frames: Iterator[np.ndarray],
    *,
    size: tuple[int, int],
    fps: int,
    seconds: float,
    notes: Sequence[float],
) -> Path:
    muxer, video_codec, audio_codec, sample_format, fixed_rate = _format_for(path, _VIDEO_FORMATS)
    width, height = size
    if width % 2 or height % 2:
        raise ValueError("Video sides must be even for 4:2:0 chroma.")
    options = {"movflags": "faststart"} if muxer in ("mp4", "mov") else {}

    with av.open(str(path), "w", format=muxer, options=options) as container:
        video = container.add_stream(video_codec, rate=fps, options=_WORKER_OPTIONS[video_codec])
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = None
        if notes:
            rate = fixed_rate or 48000
            audio = container.add_stream(audio_codec, rate=rate, layout="stereo")
            audio.format = sample_format
            chunks = _melody(seconds, notes, rate, _FRAME_SAMPLES.get(audio_codec, 4096))
        audio_time = 0.0
        for index, pixels in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(video.encode(frame))
            # Keep the tune just ahead of the picture so the muxer interleaves without buffering.
            while audio is not None and audio_time <= (index + 1) / fps:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                start, samples = chunk
                container.mux(audio.encode(_audio_frame(samples, sample_format, audio.rate, start)))
                audio_time = (start + samples.shape[1]) / audio.rate
        if audio is not None:
            for start, samples in chunks:
                container.mux(audio.encode(_audio_frame(samples, sample_format, audio.rate, start)))
            container.mux(audio.encode(None))
        container.mux(video.encode(None))
    return path


def make_tone(
    path: str | Path,
    *,
    seconds: float = 5.0,
    notes: Sequence[float] = (440.0,),
    sample_rate: int = 44100,
) -> Path:
    """Write a short stereo melody that plays ``notes`` (Hz) in turn, each softly attacked and released.

    Opus only runs at 48 kHz, so ``.ogg``/``.opus`` ignore ``sample_rate``.
    """
    path = Path(path)
    if not notes:
        raise ValueError("A melody needs at least one note.")
    muxer, codec, sample_format, fixed_rate = _format_for(path, _AUDIO_FORMATS)
    rate = fixed_rate or sample_rate
    with av.open(str(path), "w", format=muxer) as container:
        stream = container.add_stream(codec, rate=rate, layout="stereo")
        stream.format = sample_format
        for start, samples in _melody(seconds, notes, rate, _FRAME_SAMPLES.get(codec, 4096)):
            container.mux(stream.encode(_audio_frame(samples, sample_format, rate, start)))
        container.mux(stream.encode(None))
    return path


def make_image(
    path: str | Path,
    *,
    size: tuple[int, int] = (640, 480),
    hue: float = 0.0,
    exif_gps: bool = False,
) -> Path:
    """Write a colour-wheel gradient with a white marker in the top-left corner.

    ``.gif`` is animated (four frames, the hue turning). With ``exif_gps`` (JPEG, PNG, WebP) the file
    carries camera EXIF, a GPS position (``DEMO_GPS``) and Orientation ``DEMO_ORIENTATION``, which is
    exactly what an upload must lose.
    """
    path = Path(path)
    image_format = _format_for(path, _IMAGE_FORMATS)
    if image_format == "GIF":
        if exif_gps:
            raise ValueError("GIF has no EXIF.")
        # Fast octree quantisation: the default median cut takes seconds per frame at this size.
        frames = [
            _gradient(size, hue + turn / 4).quantize(64, method=Image.Quantize.FASTOCTREE)
            for turn in range(4)
        ]
        frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=150, loop=0)
        return path
    options: dict[str, object] = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    if exif_gps:
        options["exif"] = _camera_exif()
    _gradient(size, hue).save(path, image_format, **options)
    return path


def _format_for(path: Path, table: dict[str, T]) -> T:
    try:
        return table[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"Cannot make {path.suffix!r} files; choose one of {', '.join(table)}.") from None


class _TestCard:
    """Paints frames; the still parts are drawn once and copied, so a frame costs a few array ops."""

    def __init__(self, width: int, height: int, hue: float) -> None:
        self.width, self.height = width, height
        self.bars_bottom = height * 2 // 3
        self.background = np.zeros((height, width, 3), dtype=np.uint8)
        for bar in range(7):
            # Seven bars around the colour wheel, like a broadcast test card but shifted by hue.
            rgb = colorsys.hsv_to_rgb((hue + bar / 7) % 1.0, 0.75, 0.9)
            left, right = bar * width // 7, (bar + 1) * width // 7
            self.background[: self.bars_bottom, left:right] = [round(c * 255) for c in rgb]
        # A horizontal ramp twice the width, so sliding it across the bottom band loops seamlessly.
        ramp = (np.sin(np.linspace(0, 4 * math.pi, 2 * width, endpoint=False)) + 1) * 127.5
        self.ramp = ramp.astype(np.uint8)
        self.block = max(2, min(width // 16, (height - self.bars_bottom) // 3))

    def frame(self, index: int, total: int) -> np.ndarray:
        image = self.background.copy()
        shift = (index * 4) % self.width
        band = self.ramp[shift : shift + self.width]
        image[self.bars_bottom :, :, 0] = band
        image[self.bars_bottom :, :, 1] = band[::-1]
        image[self.bars_bottom :, :, 2] = 96
        # A ball that crosses the picture once per clip shows motion at a glance...
        size = self.block
        x = round((self.width - size) * index / max(1, total - 1))
        top = self.bars_bottom - size // 2
        image[top : top + size, x : x + size] = 255
        # ...and 12 black/white squares along the bottom spell the frame number in binary.
        for bit in range(min(12, self.width // size)):
            on = (index >> bit) & 1
            image[-size:, bit * size : (bit + 1) * size] = 255 if on else 0
        return image


class _Pan:
    """Paints frames of a slow pan across a picture with level bars over it.

    The pan moves whole pixels, so a frame is a slice of one array and the encoder finds every
    block again one pixel over: the clip costs little more than a still.
    """

    BARS = 24

    def __init__(
        self,
        picture: Image.Image,
        size: tuple[int, int],
        n_frames: int,
        notes: Sequence[float],
        seconds: float,
    ) -> None:
        width, height = size
        self.width = width
        self.picture = np.asarray(ImageOps.fit(picture, (width + n_frames, height), Image.Resampling.LANCZOS))
        self.band = height // 5
        self.notes, self.seconds, self.n_frames = tuple(notes), seconds, n_frames
        bar = width / self.BARS
        self.columns = [
            (round(n * bar + bar * 0.25), round((n + 1) * bar - bar * 0.25)) for n in range(self.BARS)
        ]
        # Each bar answers the tune at its own rate, so the row moves like a level meter.
        self.rates = np.linspace(1.5, 4.5, self.BARS) * np.where(np.arange(self.BARS) % 2, 1.0, 1.3)

    def frame(self, index: int) -> np.ndarray:
        pixels = self.picture[:, index : index + self.width].copy()
        if self.notes:
            self._bars(pixels, self.seconds * index / self.n_frames)
        return pixels

    def _bars(self, pixels: np.ndarray, t: float) -> None:
        height = pixels.shape[0]
        note_length = self.seconds / len(self.notes)
        # Bars leap at each note's attack and sink while it sounds.
        since = (t % note_length) / note_length
        which = min(int(t // note_length), len(self.notes) - 1)
        energy = 0.35 + 0.65 * math.exp(-2.5 * since)
        levels = 0.25 + 0.75 * np.abs(np.sin(self.rates * t * math.pi + which * 1.7)) * energy
        for (left, right), level in zip(self.columns, levels, strict=True):
            top = height - 4 - round(self.band * level)
            region = pixels[top : height - 4, left:right]
            # Light bars at 60 % over the picture: seen, without hiding it.
            region[:] = (region * 0.4 + 255 * 0.6).astype(np.uint8)


def _melody(
    seconds: float, notes: Sequence[float], rate: int, chunk: int
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first sample index, stereo float32 samples) in chunks, so long tracks never sit in memory."""
    total = max(1, round(seconds * rate))
    note_samples = total / len(notes)
    attack, release = 0.015 * rate, 0.06 * rate
    frequencies = np.asarray(notes, dtype=np.float64)
    for start in range(0, total, chunk):
        n = np.arange(start, min(start + chunk, total), dtype=np.float64)
        which = np.minimum((n // note_samples).astype(np.int64), len(notes) - 1)
        local = n - which * note_samples
        t = local / rate
        phase = 2 * math.pi * frequencies[which] * t
        # A fundamental with two soft overtones reads as a mellow organ rather than a test beep.
        wave = np.sin(phase) + 0.3 * np.sin(2 * phase) + 0.1 * np.sin(3 * phase)
        # Ramps at both ends of every note avoid clicks; a gentle decay keeps long notes alive.
        envelope = (
            np.minimum(1.0, local / attack)
            * np.minimum(1.0, (note_samples - local) / release).clip(0.0)
            * (0.6 + 0.4 * np.exp(-3.0 * t))
        )
        mono = (0.22 * wave * envelope).astype(np.float32)
        yield start, np.vstack([mono, mono])


def _audio_frame(samples: np.ndarray, sample_format: str, rate: int, pts: int) -> av.AudioFrame:
    if sample_format == "fltp":
        data = np.ascontiguousarray(samples)
    elif sample_format == "flt":
        data = samples.T.reshape(1, -1)
    elif sample_format == "s16":
        data = (samples.T.reshape(1, -1) * 32767).astype(np.int16)
    else:  # pragma: no cover - the tables above only name these three
        raise ValueError(sample_format)
    frame = av.AudioFrame.from_ndarray(data, format=sample_format, layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = rate, pts, Fraction(1, rate)
    return frame


def _gradient(size: tuple[int, int], hue: float) -> Image.Image:
    width, height = size
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    h = np.broadcast_to((hue + x) % 1.0, (height, width))
    s = np.broadcast_to(0.35 + 0.5 * y, (height, width))
    v = np.broadcast_to(0.95 - 0.35 * y, (height, width))
    rgb = _hsv_to_rgb(h, s, v)
    # Soft diagonal stripes give encoders something to chew on and the eye a texture.
    stripes = 0.9 + 0.1 * np.sin((np.arange(width)[None, :] + np.arange(height)[:, None]) / 6.0)
    pixels = (rgb * stripes[..., None] * 255).clip(0, 255).astype(np.uint8)
    marker = max(4, min(width, height) // 8)
    pixels[:marker, :marker] = 255  # top-left, so a test can tell which way up the picture is
    return Image.fromarray(pixels)


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    sector = np.floor(h * 6.0)
    f = h * 6.0 - sector
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    sector = sector.astype(np.int64) % 6
    r = np.choose(sector, [v, q, p, p, t, v])
    g = np.choose(sector, [t, v, v, q, p, p])
    b = np.choose(sector, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-1)


def _camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Encore Demo Camera"  # Make
    exif[0x0110] = "Street Model 1"  # Model
    exif[0x0112] = DEMO_ORIENTATION
    exif.get_ifd(0x8769)[0x9003] = "2024:06:13 21:30:00"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[0x0000] = b"\x02\x03\x00\x00"  # GPSVersionID
    gps[0x0001] = "N" if DEMO_GPS["latitude"] >= 0 else "S"
    gps[0x0002] = _degrees_minutes_seconds(DEMO_GPS["latitude"])
    gps[0x0003] = "E" if DEMO_GPS["longitude"] >= 0 else "W"
    gps[0x0004] = _degrees_minutes_seconds(DEMO_GPS["longitude"])
    return exif


def _degrees_minutes_seconds(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return float(degrees), float(minutes), seconds
