"""The header as each person meets it: one compact bar on a phone and a desktop, and a menu
grouped by what the person does here (their music, their venue, curation, their account)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.roles import CURATORS, VENUE_STAFF
from tests.factories import ArtistProfileFactory, EventFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAX_HEADER_PX = 64


def _artist():  # noqa: ANN202
    return ArtistProfileFactory(stage_name="Marta Lume").user


def _venue_staff():  # noqa: ANN202
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=VENUE_STAFF))
    venue = VenueFactory(name="Tasca do Chico")
    venue.staff.add(user)
    now = timezone.now()
    EventFactory(venue=venue, name="Fado night", starts_at=now, ends_at=now + timedelta(hours=3))
    return user


def _curator():  # noqa: ANN202
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS))
    return user


PERSONAS = {
    "visitor": lambda: None,
    "fan": UserFactory,
    "artist": _artist,
    "venue staff": _venue_staff,
    "curator": _curator,
}


def _header_height(page) -> float:  # noqa: ANN001
    """From the top of the page to the lowest thing the header shows, overflow included."""
    return page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.site-header, .site-header *')]
            .filter(el => el.getClientRects().length)
            .map(el => el.getBoundingClientRect().bottom))"""
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_the_closed_header_is_one_bar_of_at_most_64_px(open_page, roles, persona, viewport):
    page = open_page("/", user=PERSONAS[persona](), viewport=viewport)

    assert _header_height(page) <= MAX_HEADER_PX
    expect(page.get_by_role("link", name="Encore")).to_be_visible()


def test_an_artist_finds_their_music_in_the_menu_on_a_phone(open_page, roles):
    page = open_page("/", user=_artist(), viewport=PHONE)
    expect(page.get_by_role("link", name="Performances")).to_be_hidden()

    page.locator("summary", has_text="Menu").click()

    music = page.get_by_role("region", name="Your music")
    for name in ("Artist page", "Performances", "Tracks, clips and stories", "Stats", "Revenue"):
        expect(music.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Become an artist")).to_have_count(0)
    # Discovering stays one tap away on a phone, where the bar has no room for it.
    expect(page.get_by_role("region", name="Discover").get_by_role("link", name="Live map")).to_be_visible()


def test_venue_staff_get_their_display_and_the_admin_not_become_an_artist(open_page, roles):
    page = open_page("/", user=_venue_staff(), viewport=PHONE)

    page.locator("summary", has_text="Menu").click()

    venue = page.get_by_role("region", name="Your venue")
    expect(venue.get_by_role("link", name="Display: Fado night")).to_be_visible()
    expect(venue.get_by_role("link", name="Jukebox nights (admin)")).to_be_visible()
    expect(page.get_by_role("link", name="Become an artist")).to_have_count(0)

    venue.get_by_role("link", name="Display: Fado night").click()
    expect(page).to_have_url(re.compile(r"/events/\d+/display/$"))


def test_a_curator_reaches_collections_and_reports_from_the_menu(open_page, roles):
    page = open_page("/", user=_curator(), viewport=DESKTOP)
    # On a desktop the places to discover are in the bar itself.
    expect(page.locator(".nav-primary").get_by_role("link", name="Live map")).to_be_visible()

    page.locator("summary", has_text="Menu").click()

    curation = page.get_by_role("region", name="Curation")
    expect(curation.get_by_role("link", name="Collections (admin)")).to_be_visible()
    expect(curation.get_by_role("link", name="Reports to review")).to_be_visible()
    expect(page.locator(".nav-panel").get_by_role("link", name="Admin", exact=True)).to_be_visible()


def test_the_menu_closes_on_escape_and_gives_focus_back(open_page):
    page = open_page("/", user=UserFactory(), viewport=PHONE)
    page.locator("summary", has_text="Menu").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    expect(page.locator("summary", has_text="Menu")).to_be_focused()
