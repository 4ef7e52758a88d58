"""A jukebox night served on another port than 8000, as the people in the room meet it: the
venue's staff sign in and open the screen, a guest on a phone follows the screen's join link and
votes, and the screen shows the vote without a reload; the short address typed by hand works too."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from apps.accounts.roles import VENUE_STAFF
from apps.venues import services
from tests.factories import PASSWORD, EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 800}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def night(roles):  # noqa: ANN001, ANN201
    vera = UserFactory(email="vera@example.com", display_name="Vera", group=VENUE_STAFF)
    tracks = [TrackFactory(title="Lisboa Menina"), TrackFactory(title="Rua Escura")]
    return EventFactory(venue=VenueFactory(name="Tasca", staff=[vera]), name="Fado night", tracks=tracks)


def test_a_guest_follows_the_screens_link_votes_and_the_screen_shows_it(open_page, app_server, night):
    assert app_server.port != 8000
    here = f"127.0.0.1:{app_server.port}"

    # Vera signs in with the site's form and opens the screen.
    screen = open_page("/accounts/login/", viewport=SCREEN)
    screen.fill("input[name=login]", "vera@example.com")
    screen.fill("input[name=password]", PASSWORD)
    screen.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(screen.locator(".site-header")).to_be_visible()
    screen.goto(f"/events/{night.pk}/display/")
    expect(screen.locator("[data-jukebox][data-connected]")).to_have_count(1)

    # The code and the typed address name the host and port the screen was opened at,
    # and the code is big enough to scan from across the room.
    join_url = screen.locator("#qr").get_attribute("data-join-url")
    assert urlsplit(join_url).netloc == here
    code = screen.locator("#qr svg").bounding_box()
    assert code["width"] >= 300 and code["height"] >= 300
    typed = screen.locator("[data-short-url]")
    expect(typed).to_have_text(re.compile(rf"^{re.escape(here)}/j/[a-z2-9]{{6}}$"))

    # A guest on a phone follows the link and requests a track.
    phone = open_page(join_url, **PHONE)
    expect(phone.get_by_text("You're in: vote for what plays next.")).to_be_visible()
    phone.locator("#pool").get_by_role("button", name="Request for Rua Escura").click()
    expect(phone.locator("#vote-notice")).to_have_text("Voted for “Rua Escura”.")

    # The screen shows it without a reload.
    queue = screen.locator("[data-list=queue] > li")
    expect(queue.first).to_contain_text("Rua Escura")
    expect(queue.first.locator("[data-field=votes]")).to_have_text("1")
    expect(screen.locator("[data-activity]")).to_contain_text("Requested Rua Escura")
    assert screen.evaluate("() => performance.getEntriesByType('navigation').length") == 1


def test_the_typed_short_address_lets_a_phone_without_a_camera_vote(open_page, app_server, night):
    phone = open_page(f"/j/{services.join_code(night).upper()}", **PHONE)
    expect(phone).to_have_url(re.compile(rf"/events/{night.pk}/$"))
    expect(phone.get_by_text("You're in: vote for what plays next.")).to_be_visible()
    phone.locator("#pool").get_by_role("button", name="Request for Lisboa Menina").click()
    expect(phone.locator("#vote-notice")).to_have_text("Voted for “Lisboa Menina”.")
