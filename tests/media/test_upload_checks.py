"""An upload is judged by its content: real media passes, everything pretending to be media is refused."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

import av
import pytest
from PIL import Image, ImageFile

from apps.media.probe import MediaKind, Probe, RejectedUpload, inspect_file
from tests.media.corpus.make_corpus import encode

CORPUS = Path(__file__).parent / "corpus"
MB = 1024 * 1024
EVERYTHING = frozenset(MediaKind)

MARKUP = "This file contains markup (HTML, SVG or script), which we do not accept."
EXTRA_DATA = "This image carries extra data after its end, which we do not accept."
IMAGE_DAMAGED = "The image is damaged or incomplete."
DAMAGED = "The file is damaged or incomplete."
TRUNCATED = "The file is incomplete or damaged (it ends before its declared length)."
NOT_MEDIA = (
    "This file is not a video, audio or image we accept (we take MP4, MOV, WebM and MKV video; "
    "MP3, M4A, AAC, Ogg, Opus, WAV and FLAC audio; JPEG, PNG, WebP and GIF images)."
)


def inspect(
    path: Path, *, accept=EVERYTHING, max_bytes: int = 200 * MB, max_seconds: float | None = None
) -> Probe:
    return inspect_file(path, accept=accept, max_bytes=max_bytes, max_seconds=max_seconds)


def rejection(path: Path, **limits) -> str:
    with pytest.raises(RejectedUpload) as caught:
        inspect(path, **limits)
    return caught.value.message


def _picture(image_format: str, **params) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, image_format, **params)
    return out.getvalue()


def _with_cover_art(mp3: bytes, jpeg: bytes) -> bytes:
    """The MP3 behind an ID3v2.3 tag holding a front-cover picture (APIC), as music players write it."""
    body = b"\x00" + b"image/jpeg\x00" + b"\x03" + b"\x00" + jpeg  # latin-1, mime, front cover, no title
    frame = b"APIC" + struct.pack(">I", len(body)) + b"\x00\x00" + body
    size = len(frame)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + frame + mp3


def _wav(path: Path, samples: bytes) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(samples)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real files of every kind we take, encoded the way phones, browsers and music software do."""
    folder = tmp_path_factory.mktemp("media")
    files = {
        "clip.mp4": encode(folder / "clip.mp4", video="libx264", audio="aac"),
        "clip.mov": encode(folder / "clip.mov", video="libx264", audio="aac"),
        "clip.webm": encode(folder / "clip.webm", video="libvpx-vp9", audio="libopus"),
        "live.webm": encode(folder / "live.webm", video="libvpx-vp9", audio="libopus", options={"live": "1"}),
        "long.mp4": encode(folder / "long.mp4", video="libx264", seconds=301, size=(16, 16), fps=1),
        "song.mp3": encode(
            folder / "song.mp3", audio="libmp3lame", sample_rate=44_100, options={"id3v2_version": "0"}
        ),
        "song.m4a": encode(folder / "song.m4a", audio="aac", container_format="ipod"),
        "song.aac": encode(folder / "song.aac", audio="aac", container_format="adts"),
        "song.wav": encode(folder / "song.wav", audio="pcm_s16le"),
        "song.flac": encode(folder / "song.flac", audio="flac"),
        "song.opus": encode(folder / "song.opus", audio="libopus", container_format="ogg"),
    }
    exif = Image.Exif()
    exif[0x010F] = "Encore"  # Make
    exif[0x0132] = "2025:06:21 21:30:00"  # DateTime
    pictures = {
        "photo.jpg": _picture("JPEG", exif=exif),
        "photo.png": _picture("PNG"),
        "photo.webp": _picture("WEBP"),
        "photo.gif": _picture("GIF"),
        "photo.bmp": _picture("BMP"),
        "cover-art.mp3": _with_cover_art(files["song.mp3"].read_bytes(), _picture("JPEG")),
    }
    for name, data in pictures.items():
        files[name] = folder / name
        files[name].write_bytes(data)
    return files


# --- the abuse corpus -----------------------------------------------------------------------------


def test_empty_file_is_rejected():
    assert rejection(CORPUS / "empty.mp4") == "The file is empty."


def test_html_renamed_to_mp4_is_rejected_as_markup():
    assert rejection(CORPUS / "html-renamed.mp4") == MARKUP


@pytest.mark.parametrize("name", ["svg-with-script.svg", "svg-with-script.png"])
def test_svg_with_script_is_rejected_as_markup_whatever_its_name(name):
    assert rejection(CORPUS / name) == MARKUP


def test_jpeg_carrying_html_is_rejected_as_markup():
    with Image.open(CORPUS / "jpeg-html-polyglot.jpg") as image:
        image.load()  # a real picture, which is what makes it dangerous
    assert rejection(CORPUS / "jpeg-html-polyglot.jpg") == MARKUP


def test_gif_that_is_also_javascript_is_rejected_as_markup():
    with Image.open(CORPUS / "gif-js-polyglot.gif") as image:
        image.load()
        assert image.format == "GIF"
    assert rejection(CORPUS / "gif-js-polyglot.gif") == MARKUP


def test_gif_hiding_its_script_in_a_comment_block_is_rejected_as_markup(tmp_path):
    # Nothing after the trailer this time: the script sits in a GIF comment extension.
    gif = (CORPUS / "gif-js-polyglot.gif").read_bytes()
    script = b"*/=1;alert(1);//"
    body = gif[: gif.index(b"\x3b*/")] + b"\x21\xfe" + bytes([len(script)]) + script + b"\x00\x3b"
    path = tmp_path / "comment.gif"
    path.write_bytes(body)
    with Image.open(path) as image:
        image.load()
    assert rejection(path) == MARKUP


def test_jpeg_that_is_also_javascript_is_rejected_as_markup(media, tmp_path):
    # The JFIF segment's length bytes read "/*": the picture opens a script comment that a later
    # comment segment closes, and browsers run it when the file is loaded as a script.
    jpeg = media["photo.jpg"].read_bytes()
    assert jpeg[2:4] == b"\xff\xe0"
    app0_end = 4 + int.from_bytes(jpeg[4:6])
    app0 = jpeg[6:app0_end].ljust(0x2F2A - 2, b"\x00")
    script = b"*/=alert(1);/*"
    comment = b"\xff\xfe" + (2 + len(script)).to_bytes(2) + script
    path = tmp_path / "script.jpg"
    path.write_bytes(jpeg[:4] + b"/*" + app0 + comment + jpeg[app0_end:-2] + b"*/\xff\xd9")
    with Image.open(path) as image:
        image.load()
    assert rejection(path) == MARKUP


def test_png_with_an_archive_after_its_end_is_rejected():
    assert rejection(CORPUS / "png-with-zip-after-end.png") == EXTRA_DATA


def test_pixel_flood_png_is_rejected_from_its_header_without_decoding(monkeypatch):
    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    message = rejection(CORPUS / "pixel-flood.png")
    assert message == "The image is too large: 30000×30000 pixels; the limit is 40 megapixels."


def test_truncated_mp4_is_rejected_as_incomplete():
    with av.open(str(CORPUS / "truncated.mp4")) as container:
        assert container.duration / av.time_base == pytest.approx(6, abs=0.1)  # it does open
    assert rejection(CORPUS / "truncated.mp4") == TRUNCATED


# --- real media is accepted -----------------------------------------------------------------------

ACCEPTED = [
    # name, kind, container, extension, mime type, video codec, audio codec
    ("clip.mp4", MediaKind.VIDEO, "mp4", ".mp4", "video/mp4", "h264", "aac"),
    ("clip.mov", MediaKind.VIDEO, "mov", ".mov", "video/quicktime", "h264", "aac"),
    ("clip.webm", MediaKind.VIDEO, "webm", ".webm", "video/webm", "vp9", "opus"),
    ("song.mp3", MediaKind.AUDIO, "mp3", ".mp3", "audio/mpeg", None, "mp3"),
    ("song.m4a", MediaKind.AUDIO, "mp4", ".m4a", "audio/mp4", None, "aac"),
    ("song.aac", MediaKind.AUDIO, "adts", ".aac", "audio/aac", None, "aac"),
    ("song.wav", MediaKind.AUDIO, "wav", ".wav", "audio/wav", None, "pcm_s16le"),
    ("song.flac", MediaKind.AUDIO, "flac", ".flac", "audio/flac", None, "flac"),
    ("song.opus", MediaKind.AUDIO, "ogg", ".opus", "audio/ogg", None, "opus"),
]


@pytest.mark.parametrize(("name", "kind", "container", "extension", "mime_type", "video", "audio"), ACCEPTED)
def test_real_audio_and_video_are_accepted(media, name, kind, container, extension, mime_type, video, audio):
    probe = inspect(media[name])
    assert (probe.kind, probe.container, probe.extension, probe.mime_type) == (
        kind,
        container,
        extension,
        mime_type,
    )
    assert (probe.video_codec, probe.audio_codec) == (video, audio)
    assert probe.duration == pytest.approx(2.0, abs=0.2)
    if kind is MediaKind.VIDEO:
        assert (probe.width, probe.height, probe.pixel_format) == (64, 48, "yuv420p")
    else:
        assert (probe.width, probe.height, probe.pixel_format) == (None, None, None)


@pytest.mark.parametrize(
    ("name", "container", "extension", "mime_type"),
    [
        ("photo.jpg", "jpeg", ".jpg", "image/jpeg"),
        ("photo.png", "png", ".png", "image/png"),
        ("photo.webp", "webp", ".webp", "image/webp"),
        ("photo.gif", "gif", ".gif", "image/gif"),
    ],
)
def test_real_images_are_accepted(media, name, container, extension, mime_type):
    probe = inspect(media[name])
    assert probe == Probe(
        kind=MediaKind.IMAGE,
        container=container,
        extension=extension,
        mime_type=mime_type,
        width=64,
        height=48,
    )


def test_jpeg_followed_by_its_gain_map_is_accepted(tmp_path):
    # Phones store HDR gain maps as a second JPEG after the first (MPF); that is not a payload.
    path = tmp_path / "hdr.jpg"
    Image.new("RGB", (64, 48), "red").save(
        path, "MPO", save_all=True, append_images=[Image.new("L", (32, 24), 128)]
    )
    assert inspect(path).container == "jpeg"


def test_mp3_with_cover_art_is_audio(media):
    probe = inspect(media["cover-art.mp3"])
    assert (probe.kind, probe.container, probe.extension) == (MediaKind.AUDIO, "mp3", ".mp3")
    assert (probe.audio_codec, probe.video_codec, probe.width) == ("mp3", "mjpeg", None)


def test_webm_recorded_live_without_a_declared_length_is_measured(media):
    with av.open(str(media["live.webm"])) as container:
        assert container.duration is None
    probe = inspect(media["live.webm"])
    assert probe.kind is MediaKind.VIDEO
    assert probe.duration == pytest.approx(2.0, abs=0.2)


def test_chance_markup_bytes_inside_media_are_not_markup(tmp_path):
    # "<svg" followed by binary is what compressed data produces by chance, not a document.
    samples = bytes(20_000) + b"<svg\x00\x9c\xfe\x01\x80\x7f<SCRIPT>\x00\x00" + bytes(20_000)
    assert inspect(_wav(tmp_path / "noise.wav", samples)).kind is MediaKind.AUDIO


def test_camera_xml_metadata_inside_a_video_is_not_markup(tmp_path):
    # Sony cameras and 360° rigs embed an XML document in every clip they record.
    metadata = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<NonRealTimeMeta xmlns="urn:schemas-professionalDisc:nonRealTimeMeta:ver.2.00" lastUpdate="">\n'
    )
    samples = bytes(20_000) + metadata + bytes(20_000)
    assert inspect(_wav(tmp_path / "camera.wav", samples)).kind is MediaKind.AUDIO


# --- rejections by rule ---------------------------------------------------------------------------


def test_markup_planted_inside_real_media_is_rejected(tmp_path):
    samples = bytes(20_000) + b"<svg/onload=alert(1)>" + bytes(20_001)
    assert rejection(_wav(tmp_path / "planted.wav", samples)) == MARKUP


def test_xml_document_is_rejected_as_markup(tmp_path):
    path = tmp_path / "feed.mp3"
    path.write_bytes(b'\xef\xbb\xbf<?xml version="1.0"?>\n<rss><channel><title>Gig</title></channel></rss>\n')
    assert rejection(path) == MARKUP


def test_markup_split_across_read_chunks_is_found(tmp_path):
    markup = b"<ScRiPt>alert(1)</script>"
    before = MB - 44 - 10  # the WAV header is 44 bytes; the tag straddles the first megabyte
    samples = bytes(before) + markup + bytes(40_000)
    assert rejection(_wav(tmp_path / "split.wav", samples)) == MARKUP


def test_file_larger_than_the_limit_is_rejected(tmp_path):
    path = tmp_path / "big.mp4"
    with path.open("wb") as out:
        out.truncate(3 * MB)
    assert rejection(path, max_bytes=2 * MB) == "The file is larger than 2 MB."


def test_file_larger_than_a_small_limit_names_it_in_kilobytes(media):
    assert rejection(media["photo.png"], max_bytes=100) == "The file is larger than 1 KB."


def test_video_longer_than_the_limit_is_rejected(media):
    assert rejection(media["clip.mp4"], max_seconds=1) == "The video is 0:02 long; the limit is 0:01."


def test_audio_longer_than_the_limit_is_rejected(media):
    assert rejection(media["song.flac"], max_seconds=1) == "The audio file is 0:02 long; the limit is 0:01."


def test_clip_over_five_minutes_is_rejected(media, settings):
    message = rejection(media["long.mp4"], max_seconds=settings.CLIP_MAX_SECONDS)
    assert message == "The video is 5:01 long; the limit is 5:00."


def test_video_offered_where_audio_is_wanted_is_rejected(media):
    assert rejection(media["clip.mp4"], accept={MediaKind.AUDIO}) == "Upload an audio file."


@pytest.mark.parametrize(
    ("name", "accept", "message"),
    [
        ("song.mp3", {MediaKind.VIDEO}, "Upload a video."),
        ("song.mp3", {MediaKind.IMAGE}, "Upload an image."),
        ("photo.png", {MediaKind.VIDEO, MediaKind.AUDIO}, "Upload a video or an audio file."),
        ("song.mp3", {MediaKind.VIDEO, MediaKind.IMAGE}, "Upload a video or an image."),
    ],
)
def test_wrong_kind_of_media_is_told_what_to_upload(media, name, accept, message):
    assert rejection(media[name], accept=accept) == message


def test_video_wider_than_the_limit_is_rejected(media, settings):
    settings.MEDIA_VIDEO_MAX_SIDE = 32
    message = rejection(media["clip.mp4"])
    assert message == "The video is too large: 64×48 pixels; the limit is 32 pixels on either side."


def test_image_format_we_do_not_take_is_named(media):
    message = rejection(media["photo.bmp"])
    assert message == "This image format (BMP) is not accepted; upload a JPEG, PNG, WebP or GIF image."


def test_heic_photo_is_named_as_an_image_we_do_not_take(tmp_path):
    path = tmp_path / "IMG_0001.heic"
    path.write_bytes(struct.pack(">I", 24) + b"ftypheic" + bytes(4) + b"mif1heic" + bytes(64))
    message = rejection(path)
    assert message == "This image format (HEIC) is not accepted; upload a JPEG, PNG, WebP or GIF image."


def test_text_file_is_not_media(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("Setlist: 1. Intro 2. Fado da Sé\n" * 50)
    assert rejection(path) == NOT_MEDIA


def test_not_media_message_names_only_what_the_upload_takes(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("not a picture\n" * 50)
    message = rejection(path, accept={MediaKind.IMAGE})
    assert message == (
        "This file is not a video, audio or image we accept (we take JPEG, PNG, WebP and GIF images)."
    )


def test_mp4_whose_index_never_arrived_is_damaged(media, tmp_path):
    # Cameras write the index (moov) last, so an upload cut short has none.
    data = media["clip.mp4"].read_bytes()
    assert data.index(b"mdat") < data.index(b"moov")
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    assert rejection(path) == DAMAGED


def test_truncated_jpeg_is_damaged(media, tmp_path):
    path = tmp_path / "cut.jpg"
    path.write_bytes(media["photo.jpg"].read_bytes()[:-100])
    assert rejection(path) == IMAGE_DAMAGED


def test_gif_with_data_after_its_trailer_is_rejected(media, tmp_path):
    path = tmp_path / "photo-and-more.gif"
    path.write_bytes(media["photo.gif"].read_bytes() + b"PK\x03\x04" + bytes(64))
    assert rejection(path) == EXTRA_DATA


def test_jpeg_with_data_after_its_end_is_rejected(media, tmp_path):
    path = tmp_path / "photo-and-more.jpg"
    path.write_bytes(media["photo.jpg"].read_bytes() + b"PK\x03\x04" + bytes(64))
    assert rejection(path) == EXTRA_DATA
