import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts import services
from apps.accounts.models import ArtistProfile
from tests.factories import AreaFactory, ArtistProfileFactory, GenreFactory, UserFactory

pytestmark = pytest.mark.django_db


def image_upload(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), exif: bytes | None = None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif else {}
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(f"photo.{fmt.lower()}", buffer.getvalue(), content_type="image/jpeg")


def test_a_user_gets_one_artist_profile_with_a_unique_slug():
    ArtistProfileFactory(stage_name="Rua Nova", slug="rua-nova")
    profile = services.create_artist_profile(UserFactory(), stage_name="Rua Nova")
    assert profile.slug == "rua-nova-2"
    with pytest.raises(ValidationError, match="already have"):
        services.create_artist_profile(profile.user, stage_name="Again")
    assert ArtistProfile.objects.filter(user=profile.user).count() == 1


def test_stage_name_is_required():
    with pytest.raises(ValidationError) as error:
        services.create_artist_profile(UserFactory(), stage_name="   ")
    assert "stage_name" in error.value.message_dict
    assert not ArtistProfile.objects.exists()


def test_bio_is_sanitised_of_scripts_and_handlers():
    profile = services.create_artist_profile(
        UserFactory(),
        stage_name="X",
        bio='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">me</a>'
        '<a href="https://example.org">site</a></p>',
    )
    assert "script" not in profile.bio
    assert "onclick" not in profile.bio
    assert "javascript:" not in profile.bio
    assert 'href="https://example.org"' in profile.bio
    assert "nofollow" in profile.bio


def test_links_must_point_at_their_service():
    with pytest.raises(ValidationError) as error:
        services.create_artist_profile(
            UserFactory(), stage_name="X", instagram_url="https://evil.example.com/me"
        )
    assert "instagram_url" in error.value.message_dict
    profile = services.create_artist_profile(
        UserFactory(),
        stage_name="Y",
        instagram_url="https://www.instagram.com/y",
        youtube_url="https://youtu.be/abc",
        spotify_url="https://open.spotify.com/artist/1",
        website_url="https://y.example.org",
    )
    assert profile.links["Instagram"] == "https://www.instagram.com/y"


def test_avatar_is_resized_square_and_loses_its_exif():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    upload = image_upload(size=(1200, 800), exif=exif.tobytes())
    profile = services.create_artist_profile(UserFactory(), stage_name="X", avatar=upload)
    with Image.open(profile.avatar.path) as stored:
        assert stored.size == (512, 512)
        assert stored.format == "JPEG"
        assert not stored.getexif()
    assert not profile.avatar.name.endswith("photo.jpeg")


def test_avatar_that_is_not_an_image_is_refused_and_nothing_is_stored():
    fake = SimpleUploadedFile("me.jpg", b"<html><script>x</script></html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.create_artist_profile(UserFactory(), stage_name="X", avatar=fake)
    assert "avatar" in error.value.message_dict
    assert not ArtistProfile.objects.exists()


def test_avatar_with_a_huge_canvas_is_refused_before_decoding():
    # A PNG header claiming 30000x30000 pixels: a decompression bomb.
    upload = image_upload("PNG", size=(1, 1))
    data = bytearray(upload.read())
    data[16:24] = (30000).to_bytes(4, "big") + (30000).to_bytes(4, "big")
    bomb = SimpleUploadedFile("bomb.png", bytes(data), content_type="image/png")
    with pytest.raises(ValidationError, match="too many pixels|not an image"):
        services.create_artist_profile(UserFactory(), stage_name="X", avatar=bomb)


def test_only_the_owner_edits_a_profile():
    profile = ArtistProfileFactory()
    with pytest.raises(PermissionDenied):
        services.update_artist_profile(profile, actor=UserFactory(), stage_name="Hijacked")
    profile.refresh_from_db()
    assert profile.stage_name != "Hijacked"


def test_owner_edits_name_genres_and_area():
    profile = ArtistProfileFactory()
    jazz, area = GenreFactory(slug="jazz", name="Jazz"), AreaFactory()
    services.update_artist_profile(
        profile, actor=profile.user, stage_name="New Name", genres=[jazz], home_area=area
    )
    profile.refresh_from_db()
    assert profile.stage_name == "New Name"
    assert profile.slug == "new-name"
    assert list(profile.genres.all()) == [jazz]
    assert profile.home_area == area


def test_unknown_fields_cannot_be_changed():
    profile = ArtistProfileFactory()
    with pytest.raises(ValidationError) as error:
        services.update_artist_profile(profile, actor=profile.user, payout_status="active")
    assert "payout_status" in error.value.message_dict
