"""A curator gives a collection its cover from the admin; the card and the page show it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.curation.models import Collection
from tests.curation.test_curation_admin import collection_form

pytestmark = pytest.mark.django_db


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 400), (120, 30, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_curator_uploads_a_collection_cover_in_the_admin(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.curator)

    response = client.post(
        reverse("admin:curation_collection_add"), {**collection_form("Night walk", []), "cover": _jpeg()}
    )

    assert response.status_code == 302
    collection = Collection.objects.get(slug="night-walk")
    assert collection.cover.name.startswith("covers/")
    assert Image.open(collection.cover.path).size == (1200, 400)
