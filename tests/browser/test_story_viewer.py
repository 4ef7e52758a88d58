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
    expect(page.get_by_role("button", name="Previous")).to_have_count(0)
    expect(page.get_by_role("button", name="Next")).to_have_count(0)
    expect(page.locator("#stories")).not_to_contain_text("1 of 1")


def test_two_stories_are_shown_one_at_a_time_with_previous_and_next(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    image_story(artist)
    image_story(artist)
    page = open_page(artist.get_absolute_url())
    expect(page.locator("[data-story]:visible")).to_have_count(1)
    expect(page.locator("#stories")).to_contain_text("Story 1 of 2")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#stories")).to_contain_text("Story 2 of 2")
    expect(page.get_by_role("button", name="Previous")).to_be_visible()
