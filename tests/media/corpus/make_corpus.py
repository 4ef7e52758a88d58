"""Writes the abuse corpus: small files that pretend to be media, or are media built to hurt us.

Run ``python tests/media/corpus/make_corpus.py`` to regenerate them; the output is deterministic.
``encode`` is also used by the tests to make real media on the fly.
"""

from __future__ import annotations

import heapq
import io
import math
import struct
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

HERE = Path(__file__).resolve().parent

HTML_PAGE = (
    b"<!doctype html>\n<html>\n<head><title>Free tickets</title></head>\n"
    b"<body><script>fetch('/api/v1/me').then(r => r.text()).then(alert)</script></body>\n</html>\n"
)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120">\n'
    b'  <rect width="120" height="120" fill="#c33"/>\n'
    b"  <script>alert(document.cookie)</script>\n"
    b"</svg>\n"
)


def encode(
    path: Path,
    *,
    video: str | None = None,
    audio: str | None = None,
    seconds: float = 2.0,
    size: tuple[int, int] = (64, 48),
    fps: int = 10,
    sample_rate: int = 48_000,
    container_format: str | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """A real clip: changing colours and/or a 480 Hz tone, encoded with the given codecs."""
    with av.open(str(path), "w", format=container_format, options=options or {}) as out:
        # Every stream is declared before the first packet: that is when the header is written.
        streams = []
        if video:
            picture = out.add_stream(video, rate=fps)
            picture.width, picture.height = size
            picture.pix_fmt = "yuv420p"
            streams.append((picture, _video_frames(size, fps, seconds)))
        if audio:
            sound = out.add_stream(audio, rate=sample_rate, layout="mono")
            streams.append((sound, _audio_frames(sound.codec_context.frame_size, sample_rate, seconds)))
        for stream, _ in streams:
            stream.codec_context.thread_count = 1  # one thread keeps the output byte-for-byte repeatable
        # Frames go in by time, so sound and picture are interleaved as a camera writes them.
        timeline = heapq.merge(
            *(_timed(stream, frames) for stream, frames in streams), key=lambda item: item[0]
        )
        for _, stream, frame in timeline:
            out.mux(stream.encode(frame))
        for stream, _ in streams:
            out.mux(stream.encode(None))
    return path


def _timed(stream: av.stream.Stream, frames: Iterator[av.frame.Frame]) -> Iterator[tuple]:
    for frame in frames:
        yield float(frame.pts * frame.time_base), stream, frame


def _video_frames(size: tuple[int, int], fps: int, seconds: float) -> Iterator[av.VideoFrame]:
    for index in range(round(seconds * fps)):
        frame = av.VideoFrame.from_image(Image.new("RGB", size, ((index * 37) % 256, 90, 160)))
        frame.pts, frame.time_base = index, Fraction(1, fps)
        yield frame


def _audio_frames(frame_size: int, sample_rate: int, seconds: float) -> Iterator[av.AudioFrame]:
    frame_size = frame_size or 1024
    count = round(seconds * sample_rate)
    for start in range(0, count, frame_size):
        samples = array(
            "h",
            (
                int(6000 * math.sin(2 * math.pi * 480 * i / sample_rate))
                for i in range(start, min(start + frame_size, count))
            ),
        )
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(samples))
        frame.planes[0].update(samples.tobytes() + bytes(frame.planes[0].buffer_size - 2 * len(samples)))
        frame.sample_rate, frame.pts, frame.time_base = sample_rate, start, Fraction(1, sample_rate)
        yield frame


def _gif_js_polyglot() -> bytes:
    # The screen width bytes read "/*", opening a JavaScript comment that closes after the GIF's trailer:
    # as a script the file is `GIF89a = 1; alert(1)`, as an image a 10799×1 GIF.
    gif = (
        b"GIF89a"
        + b"/*"  # logical screen width, 0x2A2F
        + struct.pack("<H", 1)  # height
        + bytes([0x80, 0, 0])  # a two-colour global table, background 0, square pixels
        + b"\x00\x00\x00\xff\xff\xff"
        + b"\x2c" + struct.pack("<4H", 0, 0, 1, 1) + b"\x00"  # one 1×1 image at the top left
        + b"\x02\x02\x44\x01\x00"  # LZW: clear, colour 0, end
        + b"\x3b"  # trailer
    )  # fmt: skip
    return gif + b"*/=1;alert(1);\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _pixel_flood_png(side: int = 30_000) -> bytes:
    # 900 megapixels of 1-bit black: about 110 MB once inflated, gigabytes once decoded to RGB.
    row = bytes(1 + math.ceil(side / 8))  # filter byte, then the packed pixels
    deflate = zlib.compressobj(9)
    data = b"".join(deflate.compress(row) for _ in range(side)) + deflate.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def _small_image(image_format: str, **params: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 60, 40)).save(out, image_format, **params)
    return out.getvalue()


def _zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("payload.txt", date_time=(2024, 1, 1, 0, 0, 0)), "not a picture")
    return out.getvalue()


def _truncated_mp4() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        # The index (moov) goes first, so the file still opens; only the media after the cut is gone.
        whole = encode(
            Path(tmp) / "whole.mp4",
            video="libx264",
            audio="aac",
            seconds=6,
            options={"movflags": "faststart"},
        ).read_bytes()
    assert whole.index(b"moov") < whole.index(b"mdat"), "the index must come before the media"
    return whole[: len(whole) // 2]


def build() -> dict[str, bytes]:
    return {
        "empty.mp4": b"",
        "html-renamed.mp4": HTML_PAGE,
        "svg-with-script.svg": SVG_WITH_SCRIPT,
        "svg-with-script.png": SVG_WITH_SCRIPT,
        "gif-js-polyglot.gif": _gif_js_polyglot(),
        "jpeg-html-polyglot.jpg": _small_image(
            "JPEG", comment=b"<html><body><script>alert(document.domain)</script></body></html>"
        ),
        "png-with-zip-after-end.png": _small_image("PNG") + _zip_archive(),
        "pixel-flood.png": _pixel_flood_png(),
        "truncated.mp4": _truncated_mp4(),
    }


def main() -> None:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
