import pytest
from playwright.sync_api import expect

from tests.factories import ArtistProfileFactory, StoryFactory

pytestmark = pytest.mark.browser


def image_story(artist):  # noqa: ANN001, ANN201
    return StoryFactory(artist=artist, kind="image", web_file="", mime_type="image/jpeg", duration=None)


def test_one_story_is_shown_without_previous_or_next(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    image_story(artist)
    page = open_page(artist.get_absolute_url())
    expect(page.locator("[data-story]")).to_have_count(1)
    expect(page.locator("[data-story]")).to_be_visible()
    page.get_by_role("link", name="Story by Rua Nova").click()
    viewer = page.get_by_role("dialog", name="Stories")
    expect(viewer.get_by_role("img", name="Story by Rua Nova")).to_be_visible()
    expect(page.get_by_role("button", name="Previous")).to_have_count(0)
    expect(page.get_by_role("button", name="Next")).to_have_count(0)
    expect(page.locator("#stories")).not_to_contain_text("1 of 1")
    viewer.get_by_role("button", name="Close").click()
    expect(viewer).to_be_hidden()


def test_stories_are_a_row_of_thumbnails_and_the_viewer_shows_them_one_at_a_time(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    image_story(artist)
    image_story(artist)
    page = open_page(artist.get_absolute_url())
    thumbnails = page.get_by_role("link", name="Story by Rua Nova")
    expect(thumbnails).to_have_count(2)
    first, second = thumbnails.nth(0).bounding_box(), thumbnails.nth(1).bounding_box()
    assert first["y"] == second["y"] and first["x"] < second["x"]  # side by side
    assert first["height"] > first["width"] * 1.5 and first["width"] < 10 * 16  # portrait, small

    thumbnails.first.click()
    viewer = page.get_by_role("dialog", name="Stories")
    expect(viewer.get_by_role("img")).to_have_count(1)
    expect(viewer).to_contain_text("Story 1 of 2")
    viewer.get_by_role("button", name="Next").click()
    expect(viewer).to_contain_text("Story 2 of 2")
    expect(viewer.get_by_role("button", name="Previous")).to_be_visible()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
