from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageCms

from apps.media.generate import DEMO_ORIENTATION, make_image, make_tone, make_video
from apps.media.probe import MediaKind, Probe
from apps.media.processing import (
    ProcessingError,
    clean_image,
    is_web_ready,
    make_poster,
    make_thumbnail,
    transcode_audio,
    transcode_video,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sources shared by the module's tests; each is made once, since encoding is the slow part."""
    folder = tmp_path_factory.mktemp("sources")
    make_video(folder / "clip.mp4", seconds=2.0)
    make_video(folder / "clip.webm", seconds=2.0, hue=0.3)
    make_video(folder / "large.webm", seconds=1.0, size=(1280, 960))
    return folder


def streams(path: Path) -> dict[str, object]:
    with av.open(str(path)) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        return {
            "format": container.format.name,
            "duration": container.duration / 1_000_000,
            "video": video and video.codec_context.name,
            "size": video and (video.width, video.height),
            "pix_fmt": video and video.codec_context.pix_fmt,
            "audio": audio and audio.codec_context.name,
            "rate": audio and audio.rate,
            "channels": audio and audio.layout.nb_channels,
        }


def index_comes_first(path: Path) -> bool:
    data = path.read_bytes()
    return 0 <= data.find(b"moov") < data.find(b"mdat")


def frame_number(image: Image.Image, block: int) -> int:
    """Read the test card's binary frame counter: 12 squares along the bottom, least significant first."""
    grey = image.convert("L")
    y = image.height - block // 2
    return sum(1 << bit for bit in range(12) if grey.getpixel((bit * block + block // 2, y)) > 128)


def upright_phone_clip(path: Path) -> Path:
    """A landscape-stored clip with a white top-left corner that a phone says to turn 90° clockwise."""
    with av.open(str(path), "w", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=25, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.set_display_rotation(-90)
        pixels = np.zeros((240, 320, 3), dtype=np.uint8)
        pixels[:60, :60] = 255
        for index in range(25):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 25)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


# --- what is served as uploaded ------------------------------------------------------------


def video_probe(**changes) -> Probe:
    fields = {
        "kind": MediaKind.VIDEO,
        "container": "mp4",
        "extension": ".mp4",
        "mime_type": "video/mp4",
        "duration": 12.0,
        "width": 1920,
        "height": 1080,
        "video_codec": "h264",
        "audio_codec": "aac",
        "pixel_format": "yuv420p",
    } | changes
    return Probe(**fields)


def audio_probe(container: str, codec: str, **changes) -> Probe:
    fields = {
        "kind": MediaKind.AUDIO,
        "container": container,
        "extension": ".audio",
        "mime_type": "audio/any",
        "duration": 180.0,
        "audio_codec": codec,
    } | changes
    return Probe(**fields)


@pytest.mark.parametrize(
    "probe",
    [
        pytest.param(video_probe(), id="h264-aac-mp4-1080p"),
        pytest.param(video_probe(width=1080, height=1920), id="portrait-1080p"),
        pytest.param(video_probe(container="mov", extension=".mov"), id="h264-aac-mov"),
        pytest.param(video_probe(audio_codec=None), id="silent-h264-mp4"),
        pytest.param(video_probe(pixel_format=None), id="h264-pixel-format-unknown"),
        pytest.param(audio_probe("mp3", "mp3"), id="mp3"),
        pytest.param(audio_probe("mp4", "aac"), id="aac-m4a"),
        pytest.param(audio_probe("adts", "aac"), id="aac-adts"),
    ],
)
def test_it_serves_browser_friendly_uploads_as_they_are(probe: Probe):
    assert is_web_ready(probe)


@pytest.mark.parametrize(
    "probe",
    [
        pytest.param(video_probe(container="webm", video_codec="vp9", audio_codec="opus"), id="webm-vp9"),
        pytest.param(video_probe(container="matroska", extension=".mkv"), id="h264-in-mkv"),
        pytest.param(video_probe(width=3840, height=2160), id="4k-h264"),
        pytest.param(video_probe(video_codec="hevc"), id="hevc-mp4"),
        pytest.param(video_probe(pixel_format="yuv444p"), id="h264-444"),
        pytest.param(video_probe(pixel_format="yuv420p10le"), id="h264-10-bit"),
        pytest.param(video_probe(audio_codec="mp3"), id="h264-with-mp3-sound"),
        pytest.param(video_probe(width=None, height=None), id="size-unknown"),
        pytest.param(audio_probe("wav", "pcm_s16le"), id="wav"),
        pytest.param(audio_probe("flac", "flac"), id="flac"),
        pytest.param(audio_probe("ogg", "opus"), id="ogg-opus"),
        pytest.param(audio_probe("mp4", "aac", video_codec="mjpeg"), id="m4a-with-cover-art"),
        pytest.param(audio_probe("mp4", "alac"), id="alac-m4a"),
        pytest.param(Probe(MediaKind.IMAGE, "jpeg", ".jpg", "image/jpeg", width=640, height=480), id="image"),
    ],
)
def test_it_transcodes_everything_else(probe: Probe):
    assert not is_web_ready(probe)


# --- posters and thumbnails ----------------------------------------------------------------


def test_poster_is_a_jpeg_the_size_of_the_video(media: Path, tmp_path: Path):
    size = make_poster(media / "clip.mp4", tmp_path / "poster.jpg", duration=2.0)

    with Image.open(tmp_path / "poster.jpg") as poster:
        assert poster.format == "JPEG"
        assert poster.size == size == (320, 240)


def test_poster_is_scaled_to_fit_max_side(media: Path, tmp_path: Path):
    size = make_poster(media / "large.webm", tmp_path / "poster.jpg", duration=1.0, max_side=640)

    assert size == (640, 480)
    assert Image.open(tmp_path / "poster.jpg").size == (640, 480)


def test_poster_of_a_short_clip_is_taken_a_tenth_of_the_way_in(media: Path, tmp_path: Path):
    make_poster(media / "clip.webm", tmp_path / "poster.jpg", duration=2.0)

    # 0.2 s into a 25 fps clip is frame 5; the counter squares are 20 px at 320×240.
    assert frame_number(Image.open(tmp_path / "poster.jpg"), block=20) == 5


def test_poster_of_a_long_clip_is_taken_one_second_in(tmp_path: Path):
    source = make_video(tmp_path / "long.mp4", seconds=12.0, size=(160, 120), fps=10, with_audio=False)

    make_poster(source, tmp_path / "poster.jpg", duration=12.0)

    assert frame_number(Image.open(tmp_path / "poster.jpg"), block=10) == 10


def test_poster_falls_back_to_the_first_frame_when_the_duration_is_wrong(tmp_path: Path):
    source = make_video(tmp_path / "short.mp4", seconds=0.4, with_audio=False)

    # Claimed 10 minutes, so the poster is sought 1 s in: past the end of this 0.4 s clip.
    make_poster(source, tmp_path / "poster.jpg", duration=600.0)

    assert frame_number(Image.open(tmp_path / "poster.jpg"), block=20) == 0


def test_poster_of_a_phone_clip_is_upright(tmp_path: Path):
    source = upright_phone_clip(tmp_path / "phone.mp4")

    size = make_poster(source, tmp_path / "poster.jpg", duration=1.0)

    poster = Image.open(tmp_path / "poster.jpg").convert("L")
    assert size == poster.size == (240, 320)
    # Turned clockwise, the stored top-left corner is now the top-right.
    assert poster.getpixel((230, 10)) > 200
    assert poster.getpixel((10, 10)) < 50


def test_poster_of_a_file_without_frames_is_refused(tmp_path: Path):
    source = make_tone(tmp_path / "song.m4a", seconds=1.0)

    with pytest.raises(ProcessingError) as caught:
        make_poster(source, tmp_path / "poster.jpg", duration=1.0)

    assert caught.value.message == "We could not read a frame from this video."
    assert not (tmp_path / "poster.jpg").exists()


@pytest.mark.parametrize(("size", "expected"), [((640, 480), (320, 240)), ((480, 1000), (154, 320))])
def test_thumbnail_fits_inside_320_square_keeping_aspect(tmp_path: Path, size, expected):
    source = make_image(tmp_path / "photo.jpg", size=size)

    assert make_thumbnail(source, tmp_path / "thumb.jpg") == expected

    with Image.open(tmp_path / "thumb.jpg") as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == expected


# --- clean images --------------------------------------------------------------------------


def test_clean_image_removes_exif_and_gps(tmp_path: Path):
    source = make_image(tmp_path / "photo.jpg", exif_gps=True)
    assert Image.open(source).getexif().get_ifd(GPS_IFD)  # the upload really does say where it was taken

    clean_image(source, tmp_path / "clean.jpg")

    with Image.open(tmp_path / "clean.jpg") as cleaned:
        assert len(cleaned.getexif()) == 0
        assert not cleaned.getexif().get_ifd(GPS_IFD)
        assert "exif" not in cleaned.info
    assert b"Encore Demo Camera" not in (tmp_path / "clean.jpg").read_bytes()


def test_clean_image_applies_orientation_before_dropping_it(tmp_path: Path):
    assert DEMO_ORIENTATION == 6  # stored landscape, shown turned 90° clockwise
    source = make_image(tmp_path / "photo.jpg", size=(640, 480), exif_gps=True)

    assert clean_image(source, tmp_path / "clean.jpg") == (480, 640)

    cleaned = Image.open(tmp_path / "clean.jpg").convert("L")
    assert cleaned.size == (480, 640)
    assert ORIENTATION not in cleaned.getexif()
    # The white marker drawn top-left is top-right once the photo stands upright.
    assert cleaned.getpixel((470, 10)) > 240
    assert cleaned.getpixel((10, 10)) < 240


def test_clean_image_drops_xmp_comments_and_colour_profile(tmp_path: Path):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "edited.jpg"
    Image.new("RGB", (200, 100), (200, 30, 30)).save(
        source,
        "JPEG",
        comment=b"shot at 12 Rua Augusta",
        xmp=b"<x:xmpmeta>secret</x:xmpmeta>",
        icc_profile=icc,
    )

    clean_image(source, tmp_path / "clean.jpg")

    data = (tmp_path / "clean.jpg").read_bytes()
    assert b"Rua Augusta" not in data
    assert b"xmpmeta" not in data
    assert b"ICC_PROFILE" not in data
    assert Image.open(tmp_path / "clean.jpg").getpixel((100, 50))[0] > 180  # still red


def test_animated_gif_becomes_a_single_frame_jpeg(tmp_path: Path):
    source = make_image(tmp_path / "loop.gif", size=(200, 150))
    assert Image.open(source).n_frames > 1

    assert clean_image(source, tmp_path / "clean.jpg") == (200, 150)

    with Image.open(tmp_path / "clean.jpg") as cleaned:
        assert cleaned.format == "JPEG"
        assert getattr(cleaned, "n_frames", 1) == 1


def test_transparency_is_flattened_on_white(tmp_path: Path):
    source = tmp_path / "logo.png"
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(source)

    clean_image(source, tmp_path / "clean.jpg")

    cleaned = Image.open(tmp_path / "clean.jpg")
    assert cleaned.mode == "RGB"
    assert min(cleaned.getpixel((50, 50))) > 245


def test_clean_image_limits_the_longest_side(tmp_path: Path):
    source = make_image(tmp_path / "panorama.webp", size=(900, 300))

    assert clean_image(source, tmp_path / "clean.jpg", max_side=600) == (600, 200)


def test_sixteen_bit_greyscale_keeps_its_tones(tmp_path: Path):
    source = tmp_path / "scan.png"
    Image.new("I;16", (64, 64), 30_000).save(source)

    clean_image(source, tmp_path / "clean.jpg")

    assert Image.open(tmp_path / "clean.jpg").getpixel((32, 32))[0] == pytest.approx(117, abs=3)


def test_clean_image_refuses_pixel_floods(tmp_path: Path, settings):
    settings.MEDIA_IMAGE_MAX_PIXELS = 100_000
    source = make_image(tmp_path / "huge.png", size=(400, 400))

    with pytest.raises(ProcessingError, match="too many pixels"):
        clean_image(source, tmp_path / "clean.jpg")


def test_clean_image_refuses_what_is_not_an_image(tmp_path: Path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0 not really a photo" * 10)

    with pytest.raises(ProcessingError, match="could not read this image"):
        clean_image(source, tmp_path / "clean.jpg")
    assert list(tmp_path.iterdir()) == [source]


# --- web-ready video and audio -------------------------------------------------------------


def test_webm_is_transcoded_to_h264_aac_mp4_of_the_same_length(media: Path, tmp_path: Path):
    transcode_video(media / "clip.webm", tmp_path / "web.mp4")

    result = streams(tmp_path / "web.mp4")
    assert (result["video"], result["pix_fmt"], result["audio"]) == ("h264", "yuv420p", "aac")
    assert result["size"] == (320, 240)
    assert result["channels"] == 2
    assert result["rate"] in (44_100, 48_000)
    assert result["duration"] == pytest.approx(streams(media / "clip.webm")["duration"], abs=0.2)
    assert index_comes_first(tmp_path / "web.mp4")


def test_large_video_is_scaled_down_to_720_lines(media: Path, tmp_path: Path):
    transcode_video(media / "large.webm", tmp_path / "web.mp4")

    result = streams(tmp_path / "web.mp4")
    assert result["size"] == (960, 720)
    assert result["duration"] == pytest.approx(1.0, abs=0.2)


def test_transcoded_dimensions_are_even(tmp_path: Path):
    source = make_video(tmp_path / "odd.mkv", seconds=0.4, size=(642, 362), with_audio=False)

    transcode_video(source, tmp_path / "web.mp4", max_height=180)

    width, height = streams(tmp_path / "web.mp4")["size"]
    assert height == 180
    assert width % 2 == 0
    assert width == pytest.approx(642 * 180 / 362, abs=2)


def test_silent_video_stays_silent(tmp_path: Path):
    source = make_video(tmp_path / "silent.mov", seconds=1.0, with_audio=False)

    transcode_video(source, tmp_path / "web.mp4")

    result = streams(tmp_path / "web.mp4")
    assert result["audio"] is None
    assert result["duration"] == pytest.approx(1.0, abs=0.2)


def test_phone_clip_is_transcoded_upright(tmp_path: Path):
    source = upright_phone_clip(tmp_path / "phone.mp4")

    transcode_video(source, tmp_path / "web.mp4")

    assert streams(tmp_path / "web.mp4")["size"] == (240, 320)
    with av.open(str(tmp_path / "web.mp4")) as container:
        frame = next(container.decode(video=0))
    assert frame.rotation == 0
    picture = frame.to_image().convert("L")
    assert picture.getpixel((230, 10)) > 200
    assert picture.getpixel((10, 10)) < 50


def test_damaged_video_is_refused_with_a_message_and_leaves_no_file(media: Path, tmp_path: Path):
    source = tmp_path / "broken.webm"
    source.write_bytes((media / "clip.webm").read_bytes()[:200])

    with pytest.raises(ProcessingError) as caught:
        transcode_video(source, tmp_path / "web.mp4")

    assert caught.value.message
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.webm"]


@pytest.mark.parametrize("suffix", [".wav", ".ogg"])
def test_audio_is_transcoded_to_aac_m4a(tmp_path: Path, suffix: str):
    source = make_tone(tmp_path / f"song{suffix}", seconds=2.0, notes=(392.0, 440.0, 494.0))

    transcode_audio(source, tmp_path / "song.m4a")

    result = streams(tmp_path / "song.m4a")
    assert (result["video"], result["audio"], result["rate"], result["channels"]) == (None, "aac", 44_100, 2)
    assert result["duration"] == pytest.approx(2.0, abs=0.2)
    assert index_comes_first(tmp_path / "song.m4a")


def test_damaged_audio_is_refused_with_a_message(tmp_path: Path):
    source = tmp_path / "song.mp3"
    source.write_bytes(b"ID3" + bytes(range(256)) * 4)

    with pytest.raises(ProcessingError) as caught:
        transcode_audio(source, tmp_path / "song.m4a")

    assert caught.value.message
    assert not (tmp_path / "song.m4a").exists()


# --- the generators themselves -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "video_codec", "audio_codec"),
    [
        ("clip.mp4", "h264", "aac"),
        ("clip.mov", "h264", "aac"),
        ("clip.mkv", "h264", "aac"),
        ("clip.webm", "vp9", "opus"),
    ],
)
def test_generated_video_has_the_requested_length_size_and_codecs(
    tmp_path: Path, name: str, video_codec: str, audio_codec: str
):
    make_video(tmp_path / name, seconds=1.5, size=(256, 144), fps=24)

    result = streams(tmp_path / name)
    assert result["duration"] == pytest.approx(1.5, abs=0.2)
    assert result["size"] == (256, 144)
    assert (result["video"], result["pix_fmt"], result["audio"]) == (video_codec, "yuv420p", audio_codec)


def test_generated_mp4_is_web_ready_with_its_index_first(media: Path):
    assert index_comes_first(media / "clip.mp4")


@pytest.mark.parametrize(
    ("name", "codec", "rate"),
    [
        ("tune.mp3", "mp3", 44_100),
        ("tune.m4a", "aac", 44_100),
        ("tune.ogg", "opus", 48_000),
        ("tune.opus", "opus", 48_000),
        ("tune.wav", "pcm_s16le", 44_100),
        ("tune.flac", "flac", 44_100),
    ],
)
def test_generated_tone_has_the_requested_length_and_format(tmp_path: Path, name: str, codec: str, rate: int):
    make_tone(tmp_path / name, seconds=1.5, notes=(262.0, 330.0, 392.0))

    result = streams(tmp_path / name)
    assert result["duration"] == pytest.approx(1.5, abs=0.2)
    assert (result["audio"].removesuffix("float"), result["rate"]) == (codec, rate)


def test_generated_melody_does_not_click_between_notes(tmp_path: Path):
    make_tone(tmp_path / "tune.wav", seconds=1.0, notes=(440.0, 660.0))

    with av.open(str(tmp_path / "tune.wav")) as container:
        samples = np.concatenate(
            [frame.to_ndarray().reshape(-1, 2)[:, 0] for frame in container.decode(audio=0)]
        )
    middle = len(samples) // 2
    assert np.abs(samples[middle - 20 : middle + 20]).max() < 1000  # silent at the joint
    assert np.abs(samples).max() > 5000  # but clearly audible in between


@pytest.mark.parametrize(("name", "image_format"), [("a.jpg", "JPEG"), ("a.png", "PNG"), ("a.webp", "WEBP")])
def test_generated_image_has_the_requested_size_and_format(tmp_path: Path, name: str, image_format: str):
    make_image(tmp_path / name, size=(300, 200), hue=0.5)

    with Image.open(tmp_path / name) as image:
        assert (image.format, image.size) == (image_format, (300, 200))


def test_generated_photo_carries_gps_and_orientation_when_asked(tmp_path: Path):
    make_image(tmp_path / "photo.jpg", exif_gps=True)

    exif = Image.open(tmp_path / "photo.jpg").getexif()
    gps = exif.get_ifd(GPS_IFD)
    assert exif[ORIENTATION] == DEMO_ORIENTATION
    assert (gps[1], gps[3]) == ("N", "W")
    assert float(gps[2][0]) == 38.0


def test_generators_refuse_formats_they_cannot_make(tmp_path: Path):
    with pytest.raises(ValueError, match="avi"):
        make_video(tmp_path / "clip.avi")
    with pytest.raises(ValueError, match="aiff"):
        make_tone(tmp_path / "tune.aiff")
    with pytest.raises(ValueError, match="tiff"):
        make_image(tmp_path / "photo.tiff")


def test_generated_clips_differ_by_hue(tmp_path: Path):
    first = make_video(tmp_path / "a.mp4", seconds=0.2, with_audio=False, hue=0.0)
    second = make_video(tmp_path / "b.mp4", seconds=0.2, with_audio=False, hue=0.5)

    def corner(path: Path) -> tuple[int, ...]:
        with av.open(str(path)) as container:
            return next(container.decode(video=0)).to_image().getpixel((5, 5))

    assert corner(first) != corner(second)
