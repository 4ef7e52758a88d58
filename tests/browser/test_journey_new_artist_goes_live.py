"""A new artist, on a phone, from signing up to playing live, while a fan watches the map in
another browser: the live marker and the "Live" list entry appear, move with the artist's
phone, and leave when the artist ends."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import AreaFactory, square

pytestmark = pytest.mark.browser

BAIXA = {"latitude": 38.7101, "longitude": -9.1366}
CARMO = {"latitude": 38.7125, "longitude": -9.1405}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "geolocation": BAIXA,
    "permissions": ["geolocation"],
}
MAP = "/map/?lat=38.7115&lng=-9.1385&radius_km=2"


def local(minutes: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def open_menu_link(page: Page, name: str) -> None:
    page.locator("summary", has_text="Menu").click()
    page.locator(".nav-panel").get_by_role("link", name=name).click()


def marker(page: Page, title: str):  # noqa: ANN201
    return page.locator(f'#map .leaflet-marker-icon[title="{title}"]')


def test_a_new_artist_signs_up_plans_goes_live_moves_and_ends_as_a_fan_watches(open_page, settings):
    settings.POSITION_INTERVAL_SECONDS = 2
    AreaFactory(name="Carmo hill", slug="carmo-hill", boundary=square(38.7125, -9.1405, half=0.001))

    # Signing up and verifying with the emailed code.
    phone = open_page("/accounts/signup/", **PHONE)
    phone.get_by_label("Email").fill("rita@example.com")
    phone.locator("input[name=display_name]").fill("Rita")
    phone.locator("input[name=password1]").fill("sturdy-pass-9182")
    phone.locator("input[name=password2]").fill("sturdy-pass-9182")
    phone.get_by_role("button", name=re.compile("sign up", re.I)).click()
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    phone.locator("input[name=code]").fill(code)
    phone.get_by_role("button", name=re.compile("confirm", re.I)).click()

    # The artist page.
    open_menu_link(phone, "Become an artist")
    phone.get_by_label("Stage name").fill("Rita Rua")
    phone.get_by_role("button", name="Create my artist page").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Rita Rua")

    # Two stops: one where she stands, one from the place search.
    open_menu_link(phone, "Performances")
    phone.get_by_role("link", name="Plan a performance").first.click()
    phone.get_by_label("Title").fill("Baixa to Carmo")
    first = phone.locator("#stop-1")
    first.get_by_role("textbox", name="Place", exact=True).fill("Rua Augusta arch")
    first.get_by_role("button", name="Use my location").click()
    expect(first.get_by_label("Latitude")).to_have_value("38.710100")
    first.get_by_label("Starts").fill(local(5))
    first.get_by_label("Ends").fill(local(60))
    phone.get_by_role("button", name="Add a stop").click()
    second = phone.locator("#stop-2")
    second.get_by_role("textbox", name="Place", exact=True).press_sequentially("carmo")
    second.get_by_role("list", name="Known places for stop 2").get_by_role("button").first.click()
    expect(second.get_by_role("textbox", name="Place", exact=True)).to_have_value("Carmo hill")
    second.get_by_label("Starts").fill(local(70))
    second.get_by_label("Ends").fill(local(120))
    phone.get_by_role("button", name="Plan it").click()
    expect(phone.get_by_text("Performance planned.")).to_be_visible()

    # A fan has the map open on a desktop before she goes live.
    fan = open_page(MAP)
    fan.evaluate("window.notReloaded = true")
    entry = fan.locator("#results li.result").filter(has_text="Baixa to Carmo")
    expect(entry).to_be_visible()
    expect(entry.locator(".badge.live")).to_have_count(0)

    phone.get_by_role("button", name="Go live").click()
    expect(phone.get_by_text("You are live.")).to_be_visible()
    phone.get_by_role("button", name="Share my location").click()
    expect(phone.locator("main [data-share-status]")).to_contain_text("Position shared at")

    expect(entry.locator(".badge.live")).to_have_text("Live")
    expect(marker(fan, "Baixa to Carmo")).to_have_class(re.compile("marker-live"))

    # She walks up to Carmo: the marker and the list entry follow.
    before = marker(fan, "Baixa to Carmo").bounding_box()
    phone.context.set_geolocation(CARMO)
    expect(entry).to_have_attribute("data-lat", re.compile(r"^38\.7125"), timeout=15_000)
    fan.wait_for_timeout(300)
    after = marker(fan, "Baixa to Carmo").bounding_box()
    # North-west on the screen: left and up.
    assert after["x"] < before["x"] - 5 and after["y"] < before["y"] - 5, (before, after)

    # She ends (after saying yes to the question): both leave the fan's map.
    phone.get_by_role("button", name="End", exact=True).click()
    phone.get_by_role("button", name="End the performance").click()
    expect(phone.get_by_text("Performance ended.")).to_be_visible()
    expect(entry).to_have_count(0)
    expect(marker(fan, "Baixa to Carmo")).to_have_count(0)
    assert fan.evaluate("window.notReloaded") is True
