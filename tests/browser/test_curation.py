import re

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.roles import CURATORS
from tests.factories import PASSWORD, ArtistProfileFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.browser


def choose(page: Page, row: int, field: str, search: str) -> None:
    """Pick an item in an inline row's autocomplete (select2) box by typing part of its name."""
    page.locator(f"#id_items-{row}-{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open input.select2-search__field").fill(search)
    option = page.locator(".select2-results__option", has_text=search)
    expect(option).to_have_count(1)
    option.click()


def test_a_curator_builds_a_collection_in_the_admin_and_publishes_it_for_everyone(open_page, roles):
    marta = ArtistProfileFactory(stage_name="Marta Lume", slug="marta-lume")
    TrackFactory(artist=marta, title="Saudade do Tejo")
    UserFactory(email="carla@example.com", display_name="Carla", group=CURATORS)

    page = open_page("/admin/")
    # The admin signs in through the site's own sign-in page.
    page.fill("input[name=login]", "carla@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto("/admin/curation/collection/add/")
    page.locator("#id_title").press_sequentially("Fado after dark")
    expect(page.locator("#id_slug")).to_have_value("fado-after-dark")
    page.fill("#id_intro", "Where the city sings after sunset.")
    choose(page, 0, "artist", "Marta Lume")
    page.fill("#id_items-0-note", "The voice of the Alfama steps.")
    page.locator(".add-row a", has_text="Add another Collection item").click()
    choose(page, 1, "track", "Saudade do Tejo")
    page.fill("#id_items-1-note", "The river, in six notes.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Published with the bulk action on the changelist.
    row = page.locator("#result_list tr", has_text="Fado after dark")
    expect(row).to_contain_text("Draft")
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "publish_selected")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 collection published.")

    visitor = open_page("/")
    section = visitor.locator("section", has=visitor.get_by_role("heading", name="New collections"))
    expect(section.get_by_role("link", name="Fado after dark")).to_be_visible()
    section.get_by_role("link", name="Fado after dark").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Fado after dark")
    items = visitor.locator("ol.collection-items > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Marta Lume")
    expect(items.nth(0)).to_contain_text("The voice of the Alfama steps.")
    expect(items.nth(1)).to_contain_text("Saudade do Tejo")
    expect(items.nth(1)).to_contain_text("The river, in six notes.")
