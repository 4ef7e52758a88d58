"""Turning accepted uploads into what the site serves: posters, thumbnails, clean photos, web-ready files.

Every function reads a local file and writes a local file; the media services move them in and
out of storage. Outputs appear under their final name only once complete, and video and audio are
streamed frame by frame, so memory stays flat however long the upload.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.filter
from django.conf import settings
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from apps.media.probe import MediaKind, Probe


class ProcessingError(Exception):
    """The upload could not be processed; ``message`` says why, for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WebReadyVideo:
    containers: frozenset[str]
    video_codecs: frozenset[str]
    pixel_formats: frozenset[str | None]  # None: not reported; H.264 in the wild is 4:2:0
    audio_codecs: frozenset[str | None]  # None: a silent clip
    max_side: int


# A clip is served as uploaded only when every browser plays it without help: H.264 8-bit 4:2:0
# with AAC (or no sound) in MP4/MOV, no bigger than 1080p. Everything else is transcoded.
WEB_READY_VIDEO = WebReadyVideo(
    containers=frozenset({"mp4", "mov"}),
    video_codecs=frozenset({"h264"}),
    pixel_formats=frozenset({"yuv420p", None}),
    audio_codecs=frozenset({"aac", None}),
    max_side=1920,
)
# (container, audio codec) pairs served as uploaded: MP3, and AAC in MP4 or bare ADTS.
WEB_READY_AUDIO: frozenset[tuple[str, str]] = frozenset({("mp3", "mp3"), ("mp4", "aac"), ("adts", "aac")})

POSTER_QUALITY = 85
# Transcodes: H.264 at constant quality; "veryfast" is the best picture per CPU second on small workers.
VIDEO_ENCODER_OPTIONS = {"preset": "veryfast", "crf": "23", "profile": "high"}
VIDEO_AUDIO_BIT_RATE = 128_000
TRACK_BIT_RATE = 160_000
TRACK_SAMPLE_RATE = 44_100
# Pillow has decoders for dozens of formats; only those an upload may be are let near them.
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

_UNREADABLE_VIDEO = "This video is damaged or uses an encoding we cannot read."
_UNREADABLE_AUDIO = "This audio file is damaged or uses an encoding we cannot read."
_NO_FRAME = "We could not read a frame from this video."


def is_web_ready(probe: Probe) -> bool:
    """Whether the upload can be served exactly as received. Images never are: they are always cleaned."""
    if probe.kind == MediaKind.VIDEO:
        rule = WEB_READY_VIDEO
        return (
            probe.container in rule.containers
            and probe.video_codec in rule.video_codecs
            and probe.pixel_format in rule.pixel_formats
            and probe.audio_codec in rule.audio_codecs
            and probe.width is not None
            and probe.height is not None
            and max(probe.width, probe.height) <= rule.max_side
        )
    if probe.kind == MediaKind.AUDIO:
        # An .m4a with cover art carries a picture stream; serve only plain AAC as-is.
        if probe.container == "mp4" and probe.video_codec is not None:
            return False
        return (probe.container, probe.audio_codec) in WEB_READY_AUDIO
    return False


def make_poster(source: Path, out: Path, *, duration: float | None, max_side: int = 1280) -> tuple[int, int]:
    """Save a JPEG of the frame at min(1 s, a tenth of the clip), upright and fitted in ``max_side``."""
    target = min(1.0, duration / 10) if duration else 0.0
    frame = None
    if target > 0:
        with _reading(source, _NO_FRAME) as container:
            try:
                frame = _frame_at(container, target)
            except ProcessingError:
                frame = None  # damaged past the start: the first frame may still be good
    if frame is None:
        with _reading(source, _NO_FRAME) as container:
            frame = _frame_at(container, None)
    if frame is None:
        raise ProcessingError(_NO_FRAME)
    image = _upright(frame.to_image(), frame.rotation)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    _save_jpeg(image, out)
    return image.size


def make_thumbnail(image: Path, out: Path, *, box: tuple[int, int] = (320, 320)) -> tuple[int, int]:
    """Save a JPEG of the image fitted inside ``box``, keeping its aspect ratio."""
    with _open_image(image, box) as original:
        picture = _flattened(ImageOps.exif_transpose(original))
    picture = _to_srgb(picture, None)
    picture.thumbnail(box, Image.Resampling.LANCZOS)
    _save_jpeg(picture, out)
    return picture.size


def clean_image(source: Path, out: Path, *, max_side: int = 2048) -> tuple[int, int]:
    """Re-encode an uploaded photo as a baseline JPEG that carries pixels and nothing else.

    The EXIF orientation is applied first, then every piece of metadata is dropped: EXIF (camera,
    GPS position, time), XMP, comments and the ICC profile, after converting the colours into
    sRGB so a wide-gamut phone photo keeps its look. Animations keep their first frame and
    transparency is flattened onto white. The output is always JPEG, whatever ``out`` is called.
    """
    with _open_image(source, (max_side, max_side)) as original:
        icc = original.info.get("icc_profile")
        picture = _flattened(ImageOps.exif_transpose(original))
    picture = _to_srgb(picture, icc)
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    _save_jpeg(picture, out)
    return picture.size


def transcode_video(source: Path, out: Path, *, max_height: int = 720) -> None:
    """Re-encode a clip as faststart MP4: H.264 4:2:0, upright, at most ``max_height`` tall, AAC stereo.

    Width is also held to 16:9 of ``max_height`` so a panorama cannot slip through at full size.
    """
    width, height, rotation = _video_geometry(source)
    turned = rotation in (90, 270)
    display_w, display_h = (height, width) if turned else (width, height)
    out_w, out_h = _fit_even(display_w, display_h, round(max_height * 16 / 9), max_height)
    # Scale first, at the stored orientation, then turn the small picture upright.
    scale_w, scale_h = (out_h, out_w) if turned else (out_w, out_h)

    with _reading(source, _UNREADABLE_VIDEO) as container, _writing(out) as tmp:
        in_video = container.streams.video[0]
        in_video.thread_type = "AUTO"
        in_audio = container.streams.audio[0] if container.streams.audio else None
        offset = (container.start_time or 0) / 1_000_000
        rate = _frame_rate(in_video)
        time_base = in_video.time_base or Fraction(1, 90_000)

        with av.open(str(tmp), "w", format="mp4", options={"movflags": "faststart"}) as output:
            out_video = output.add_stream("libx264", rate=rate, options=VIDEO_ENCODER_OPTIONS)
            out_video.width, out_video.height, out_video.pix_fmt = out_w, out_h, "yuv420p"
            # Keep the source's clock so variable frame rates (phones, screen recordings) stay in sync.
            out_video.codec_context.time_base = time_base
            turn = _Turn(scale_w, scale_h, rotation, time_base)
            audio = _AudioOut(output, _output_rate(in_audio.rate), VIDEO_AUDIO_BIT_RATE) if in_audio else None

            shift = round(offset / time_base)
            step = max(1, round(1 / (rate * time_base)))
            last_pts: int | None = None
            streams = [s for s in (in_video, in_audio) if s is not None]
            for frame in _decoded(container, streams, _UNREADABLE_VIDEO):
                if isinstance(frame, av.AudioFrame):
                    if audio is not None:
                        audio.write(frame, offset)
                    continue
                if frame.pts is not None:
                    pts = frame.pts - shift
                else:
                    pts = 0 if last_pts is None else last_pts + step
                if last_pts is not None and pts <= last_pts:
                    continue  # a repeated timestamp would stop the muxer; the frame is a duplicate anyway
                last_pts = pts
                picture = frame.reformat(scale_w, scale_h, "yuv420p", interpolation="BICUBIC")
                for upright in turn(picture):
                    upright.pts, upright.time_base = pts, time_base
                    output.mux(out_video.encode(upright))
            if last_pts is None:
                raise ProcessingError(_NO_FRAME)
            output.mux(out_video.encode(None))
            if audio is not None:
                audio.finish()


def transcode_audio(source: Path, out: Path) -> None:
    """Re-encode a track as faststart M4A: AAC stereo 44.1 kHz. Cover art and other streams are dropped."""
    with _reading(source, _UNREADABLE_AUDIO) as container, _writing(out) as tmp:
        if not container.streams.audio:
            raise ProcessingError("This file has no sound we can read.")
        in_audio = container.streams.audio[0]
        offset = (container.start_time or 0) / 1_000_000
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "faststart"}) as output:
            audio = _AudioOut(output, TRACK_SAMPLE_RATE, TRACK_BIT_RATE)
            for frame in _decoded(container, [in_audio], _UNREADABLE_AUDIO):
                audio.write(frame, offset)
            if audio.samples_written == 0:
                raise ProcessingError("We could not read any sound from this file.")
            audio.finish()


# --- helpers -------------------------------------------------------------------------------


@contextmanager
def _writing(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out`` that replaces ``out`` only if the block completes."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=f".part{out.suffix}")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _reading(source: Path, message: str) -> Iterator[av.container.InputContainer]:
    try:
        container = av.open(str(source), "r")
    except av.FFmpegError as error:
        raise ProcessingError(message) from error
    with container:
        yield container


def _decoded(
    container: av.container.InputContainer, streams: list, message: str
) -> Iterator[av.VideoFrame | av.AudioFrame]:
    """Frames of ``streams`` in file order; a decoder failure becomes the uploader-facing ``message``."""
    packets = container.demux(*streams)
    while True:
        try:
            packet = next(packets, None)
            if packet is None:
                return
            frames = packet.decode()
        except av.FFmpegError as error:
            raise ProcessingError(message) from error
        yield from frames


def _frame_at(container: av.container.InputContainer, target: float | None) -> av.VideoFrame | None:
    """The first frame at or after ``target`` seconds into the video stream; with None, the first frame."""
    if not container.streams.video:
        raise ProcessingError(_NO_FRAME)
    stream = container.streams.video[0]
    wanted = None
    if target is not None:
        wanted = (stream.start_time or 0) + round(target / (stream.time_base or Fraction(1, 90_000)))
        try:
            # Lands on the keyframe before the target; decoding forward reaches the target itself.
            container.seek(wanted, stream=stream, backward=True)
        except av.FFmpegError:
            return None
    for frame in _decoded(container, [stream], _NO_FRAME):
        if wanted is None or frame.pts is None or frame.pts >= wanted:
            return frame
    return None


def _video_geometry(source: Path) -> tuple[int, int, int]:
    """Display width, height (sample aspect applied) and clockwise turn of the first frame.

    The turn a phone records is only visible on decoded frames, and the output stream's size must be
    known before any audio is written, so one frame is decoded up front.
    """
    with _reading(source, _UNREADABLE_VIDEO) as container:
        frame = _frame_at(container, None)
        if frame is None:
            raise ProcessingError(_NO_FRAME)
        aspect = container.streams.video[0].sample_aspect_ratio
    width, height = frame.width, frame.height
    if aspect and aspect != 1:
        width = max(2, round(width * aspect))
    return width, height, _clockwise(frame.rotation)


def _clockwise(rotation: int) -> int:
    # FFmpeg reports the counter-clockwise turn to display the frame; snap to quarter turns.
    return (-round(rotation / 90) * 90) % 360


def _fit_even(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    scale = min(1.0, max_width / width, max_height / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _frame_rate(stream: av.video.stream.VideoStream) -> Fraction:
    rate = stream.average_rate or stream.guessed_rate
    if not rate or rate <= 0 or rate > 240:
        return Fraction(30)
    return Fraction(rate).limit_denominator(1001)


def _output_rate(rate: int | None) -> int:
    # Stay in the source's family so the resampler does the least work: 48 kHz for 8k multiples.
    return 48_000 if rate and rate % 8000 == 0 else 44_100


class _Turn:
    """Rotates decoded frames upright with FFmpeg's transpose filter; a no-op for unrotated video."""

    _FILTERS = {
        90: [("transpose", "clock")],
        180: [("hflip", None), ("vflip", None)],
        270: [("transpose", "cclock")],
    }

    def __init__(self, width: int, height: int, clockwise: int, time_base: Fraction) -> None:
        self.graph = None
        if clockwise not in self._FILTERS:
            return
        graph = av.filter.Graph()
        nodes = [graph.add_buffer(width=width, height=height, format="yuv420p", time_base=time_base)]
        nodes += [graph.add(name, args) for name, args in self._FILTERS[clockwise]]
        nodes.append(graph.add("buffersink"))
        graph.link_nodes(*nodes).configure()
        self.graph = graph

    def __call__(self, frame: av.VideoFrame) -> list[av.VideoFrame]:
        if self.graph is None:
            return [frame]
        self.graph.push(frame)
        return [self.graph.pull()]


class _AudioOut:
    """An AAC stereo stream fed with any decoded audio: resampled, cut into 1024-sample frames, in time."""

    def __init__(self, output: av.container.OutputContainer, rate: int, bit_rate: int) -> None:
        self.output = output
        self.stream = output.add_stream("aac", rate=rate, layout="stereo")
        self.stream.bit_rate = bit_rate
        self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=rate, frame_size=1024)
        self.rate = rate
        self.next_pts = 0
        self.samples_written = 0

    def write(self, frame: av.AudioFrame | None, offset: float = 0.0) -> None:
        if frame is not None and frame.pts is not None and frame.time_base:
            frame.pts -= round(offset / frame.time_base)
        for chunk in self.resampler.resample(frame):
            pts = self.next_pts
            if chunk.pts is not None and chunk.time_base:
                # Samples run back to back; only a real gap in the source (a dropout) moves the clock,
                # which keeps millisecond-rounded WebM timestamps from adding jitter.
                source_pts = round(chunk.pts * chunk.time_base * self.rate)
                if source_pts - pts > self.rate // 25:
                    pts = source_pts
            chunk.pts, chunk.time_base = pts, Fraction(1, self.rate)
            self.next_pts = pts + chunk.samples
            self.samples_written += chunk.samples
            self.output.mux(self.stream.encode(chunk))

    def finish(self) -> None:
        self.write(None)
        self.output.mux(self.stream.encode(None))


def _upright(image: Image.Image, rotation: int) -> Image.Image:
    turn = _clockwise(rotation)
    if turn == 90:
        return image.transpose(Image.Transpose.ROTATE_270)
    if turn == 180:
        return image.transpose(Image.Transpose.ROTATE_180)
    if turn == 270:
        return image.transpose(Image.Transpose.ROTATE_90)
    return image


@contextmanager
def _open_image(path: Path, size: tuple[int, int]) -> Iterator[Image.Image]:
    """The decoded first frame, at no less than ``size`` where the format can decode smaller for free."""
    try:
        image = Image.open(path, formats=IMAGE_FORMATS)
    except (UnidentifiedImageError, OSError) as error:
        raise ProcessingError("We could not read this image.") from error
    with image:
        # Pillow's own guard allows far more; a few KB can decode to gigabytes.
        if image.width * image.height > settings.MEDIA_IMAGE_MAX_PIXELS:
            raise ProcessingError("This image has too many pixels for us to process.")
        image.draft("RGB", size)  # JPEG decodes at 1/2, 1/4 or 1/8 scale almost for free
        try:
            image.load()
        except (OSError, Image.DecompressionBombError) as error:
            raise ProcessingError("We could not read this image.") from error
        yield image


def _save_jpeg(image: Image.Image, out: Path) -> None:
    # Pillow re-attaches a JPEG comment kept in ``info``; the new file starts with nothing.
    image.info = {}
    with _writing(out) as tmp:
        image.save(tmp, "JPEG", quality=POSTER_QUALITY, optimize=True)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB (or CMYK, for the colour conversion) with any transparency laid on white."""
    if image.mode in ("RGB", "CMYK"):
        return image
    if image.mode.startswith(("I", "F")):
        # 16-bit greyscale (scans, astro shots): scale to 8 bits rather than clip everything to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("RGB")
    if image.mode == "P" or image.mode == "PA" or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are, like a browser would
    return image.convert("RGB") if image.mode != "RGB" else image
