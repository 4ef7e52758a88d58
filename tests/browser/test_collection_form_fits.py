"""The curator's collection form fits a 1280x800 screen: no sideways scrolling on add or change."""

import pytest
from playwright.sync_api import expect

from apps.accounts.roles import CURATORS
from apps.curation.models import Collection, CollectionItem
from tests.factories import ArtistProfileFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 800}


def scroll_width(page) -> int:  # noqa: ANN001
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_the_collection_form_fits_1280_pixels_when_adding_and_changing(open_page, roles):
    carla = UserFactory(email="carla@example.com", group=CURATORS, is_staff=True)
    marta = ArtistProfileFactory(stage_name="Marta Lume")
    track = TrackFactory(artist=marta, title="Saudade do Tejo, a very long title for a song of the river")
    collection = Collection.objects.create(title="Fado after dark", slug="fado-after-dark", curator=carla)
    CollectionItem.objects.create(collection=collection, artist=marta, position=1, note="Alfama.")
    CollectionItem.objects.create(collection=collection, track=track, position=2, note="The river.")

    page = open_page("/admin/curation/collection/add/", user=carla, viewport=SCREEN)
    expect(page.locator("#id_title")).to_be_visible()
    assert scroll_width(page) <= SCREEN["width"]

    page.goto(f"/admin/curation/collection/{collection.pk}/change/")
    expect(page.locator("#id_title")).to_have_value("Fado after dark")
    assert scroll_width(page) <= SCREEN["width"]
