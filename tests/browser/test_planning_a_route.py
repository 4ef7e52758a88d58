"""An artist plans a route on a phone: one stop where they stand, one from a known place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.performances.models import Performance
from tests.browser.test_accessibility import AXE, BLOCKING
from tests.factories import AreaFactory, ArtistProfileFactory, StopFactory, square

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
BAIXA = {"latitude": 38.7101, "longitude": -9.1366}
LOCATED = {**PHONE, "geolocation": BAIXA, "permissions": ["geolocation"]}


def local(minutes: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def form_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings inside the route form (errors, results open)."""
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run('[data-route-form]', {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} at {' '.join(n['target'])}" for v in found if v["impact"] in BLOCKING for n in v["nodes"]
    ]


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"


def test_an_artist_plans_two_stops_with_their_location_and_a_known_place_on_a_phone(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    StopFactory(performance__artist=artist, place_name="Largo do Carmo", lat=38.712, lng=-9.1412)
    AreaFactory(name="Carmo hill", slug="carmo-hill", boundary=square(38.713, -9.142, half=0.002))
    page = open_page("/me/performances/new/", user=artist.user, **LOCATED)
    no_sideways_scroll(page)

    # A plan sent empty comes back with the errors listed on top, and focus there.
    page.get_by_role("button", name="Plan it").click()
    summary = page.get_by_role("alert").filter(has_text="to fix before saving")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Title: This field is required.")).to_be_visible()
    assert not form_violations(page)

    page.get_by_label("Title").fill("Baixa to Carmo")
    stop1 = page.locator("#stop-1")
    stop1.get_by_role("textbox", name="Place", exact=True).fill("Rua Augusta arch")
    stop1.get_by_role("button", name="Use my location").click()
    expect(stop1.get_by_role("status").filter(has_text="where you are now")).to_be_visible()
    expect(stop1.get_by_label("Latitude")).to_have_value("38.710100")
    expect(stop1.get_by_label("Longitude")).to_have_value("-9.136600")
    starts = stop1.get_by_label("Starts")
    starts.fill(local(60))
    stop1.get_by_label("Ends").fill(local(120))
    assert starts.bounding_box()["height"] >= 44

    page.get_by_role("button", name="Add a stop").click()
    stop2 = page.locator("#stop-2")
    expect(stop2).to_have_class("stop-fieldset active")
    place = stop2.get_by_role("textbox", name="Place", exact=True)
    place.press_sequentially("carm")
    options = stop2.get_by_role("list", name="Known places for stop 2").get_by_role("button")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("Largo do Carmo")
    assert not form_violations(page)
    # Keyboard only: down to the first known place, Enter to pick it.
    place.press("ArrowDown")
    expect(options.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(place).to_have_value("Largo do Carmo")
    expect(stop2.get_by_label("Latitude")).to_have_value("38.712000")
    expect(stop2.get_by_label("Longitude")).to_have_value("-9.141200")
    stop2.get_by_label("Starts").fill(local(150))
    stop2.get_by_label("Ends").fill(local(210))
    no_sideways_scroll(page)

    page.get_by_role("button", name="Plan it").click()
    expect(page.get_by_text("Performance planned.")).to_be_visible()
    planned_item = page.get_by_role("listitem").filter(has_text="Baixa to Carmo")
    expect(planned_item).to_contain_text("Rua Augusta arch")
    expect(planned_item).to_contain_text("Largo do Carmo")
    planned = Performance.objects.get(title="Baixa to Carmo")
    assert list(planned.stops.values_list("place_name", "lat", "lng")) == [
        ("Rua Augusta arch", 38.7101, -9.1366),
        ("Largo do Carmo", 38.712, -9.1412),
    ]


def test_a_refused_location_says_so_and_keeps_the_stop_as_it_was(open_page):
    artist = ArtistProfileFactory()
    page = open_page("/me/performances/new/", user=artist.user, **PHONE)  # no permission given
    stop1 = page.locator("#stop-1")
    stop1.get_by_role("button", name="Use my location").click()
    expect(stop1.get_by_role("status").filter(has_text="Location refused")).to_be_visible()
    expect(stop1.get_by_label("Latitude")).to_have_value("")


def test_after_an_error_the_map_still_places_the_stop_that_was_selected(open_page):
    artist = ArtistProfileFactory()
    page = open_page("/me/performances/new/", user=artist.user, viewport={"width": 1280, "height": 800})
    route_map = page.locator("#route-map")
    stop1 = page.locator("#stop-1")
    stop1.get_by_role("textbox", name="Place", exact=True).fill("Rossio")
    route_map.click(position={"x": 120, "y": 120})
    stop1.get_by_label("Starts").fill(local(60))
    stop1.get_by_label("Ends").fill(local(120))
    page.get_by_role("button", name="Add a stop").click()
    stop2 = page.locator("#stop-2")
    stop2.get_by_role("textbox", name="Place", exact=True).fill("Chiado")
    route_map.click(position={"x": 220, "y": 220})
    stop2.get_by_label("Starts").fill(local(150))
    stop2.get_by_label("Ends").fill(local(210))
    rossio = stop1.get_by_label("Latitude").input_value()
    chiado = stop2.get_by_label("Latitude").input_value()
    assert rossio and chiado and rossio != chiado

    page.get_by_role("button", name="Plan it").click()  # no title: the form comes back
    expect(page.get_by_role("alert").filter(has_text="to fix before saving")).to_be_visible()
    page.wait_for_load_state("load")
    expect(page.locator("#stop-2")).to_have_class("stop-fieldset active")
    route_map.click(position={"x": 320, "y": 160})
    expect(page.locator("#stop-2").get_by_label("Latitude")).not_to_have_value(chiado)
    expect(page.locator("#stop-1").get_by_label("Latitude")).to_have_value(rossio)
