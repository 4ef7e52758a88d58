"""An artist may set a cover image: cropped to 3:1, stripped of metadata, and shown through the API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.accounts.models import ArtistProfile
from tests.factories import ArtistProfileFactory

pytestmark = pytest.mark.django_db


def _photo(name: str = "stage.jpg", size: tuple[int, int] = (1600, 1200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    Image.new("RGB", size, (200, 40, 90)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_artist_form_stores_a_cover_cropped_to_a_wide_banner(client_as):
    profile = ArtistProfileFactory(stage_name="Rua Nova")
    client = client_as(profile.user)
    response = client.post(reverse("artist-edit"), {"stage_name": "Rua Nova", "cover": _photo()})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.cover.name.startswith("covers/")
    with Image.open(profile.cover.path) as stored:
        assert stored.size == (1200, 400)
        assert not stored.getexif()


def test_saving_the_form_without_a_new_cover_keeps_the_old_one(client_as):
    profile = ArtistProfileFactory(stage_name="Rua Nova")
    client = client_as(profile.user)
    client.post(reverse("artist-edit"), {"stage_name": "Rua Nova", "cover": _photo()})
    first = ArtistProfile.objects.get(pk=profile.pk).cover.name
    client.post(reverse("artist-edit"), {"stage_name": "Rua Nova Trio"})
    assert ArtistProfile.objects.get(pk=profile.pk).cover.name == first


def test_a_cover_that_is_not_an_image_is_a_field_error(client_as):
    profile = ArtistProfileFactory(stage_name="Rua Nova")
    fake = SimpleUploadedFile("cover.jpg", b"not a picture", content_type="image/jpeg")
    response = client_as(profile.user).post(reverse("artist-edit"), {"stage_name": "Rua Nova", "cover": fake})
    assert response.status_code == 200
    assert b"This file is not an image we can read." in response.content
    assert not ArtistProfile.objects.get(pk=profile.pk).cover


def test_the_artist_api_gives_the_cover_as_a_url(client_as, api_as):
    profile = ArtistProfileFactory(stage_name="Rua Nova")
    client_as(profile.user).post(reverse("artist-edit"), {"stage_name": "Rua Nova", "cover": _photo()})
    profile.refresh_from_db()
    body = api_as(None).get(f"/api/v1/artists/{profile.slug}/").json()
    assert body["cover"].startswith("http")
    assert body["cover"].endswith(".jpg")
    assert "/covers/" in body["cover"]


def test_the_artist_api_says_null_without_a_cover(api_as):
    profile = ArtistProfileFactory()
    assert api_as(None).get(f"/api/v1/artists/{profile.slug}/").json()["cover"] is None
