"""The live map's look: styled markers, live ones that look live (also inside a cluster), a
list that is part of the page on phones, and map and list side by side on a laptop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_map_agrees_with_itself import CENTRE, MAP, show

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_markers_are_styled_and_a_live_one_carries_a_ring(open_page):
    show("Corner set", CENTRE[0], CENTRE[1], live=True)
    show("Later set", 38.7200, -9.1300, starts_in=20)
    page = open_page(MAP)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(2)
    # No stock pins: Leaflet's default marker is an <img>.
    expect(page.locator("#map img.leaflet-marker-icon")).to_have_count(0)
    live = page.locator('#map .leaflet-marker-icon[title="Corner set"]')
    expect(live).to_have_class(re.compile("marker-live"))
    expect(page.locator('#map .leaflet-marker-icon[title="Later set"]')).not_to_have_class(
        re.compile("marker-live")
    )
    ring = "(icon) => getComputedStyle(icon.querySelector('.map-marker-dot'), '::after').animationName"
    assert live.evaluate(ring) == "map-live-ring"


def test_a_live_ring_stands_still_when_motion_is_reduced(open_page):
    show("Corner set", CENTRE[0], CENTRE[1], live=True)
    page = open_page(MAP, reduced_motion="reduce")
    live = page.locator('#map .leaflet-marker-icon[title="Corner set"]')
    expect(live).to_have_class(re.compile("marker-live"))
    ring = "(icon) => getComputedStyle(icon.querySelector('.map-marker-dot'), '::after').animationName"
    assert live.evaluate(ring) == "none"


def test_a_cluster_holding_live_shows_says_how_many_are_live(open_page):
    # Three shows a few metres apart: one bubble at any sensible zoom.
    show("First", CENTRE[0], CENTRE[1], live=True)
    show("Second", CENTRE[0] + 0.00005, CENTRE[1], live=True)
    show("Third", CENTRE[0], CENTRE[1] + 0.00005, starts_in=20)
    page = open_page(MAP)
    bubble = page.locator("#map .marker-cluster")
    expect(bubble).to_have_count(1)
    expect(bubble).to_have_class(re.compile("has-live"))
    expect(bubble.locator(".map-cluster-count")).to_have_text("3")
    expect(bubble.locator(".map-cluster-live")).to_have_text("2 live")


def test_on_a_phone_the_map_is_above_the_fold_and_the_list_is_a_tab(open_page):
    show("Corner set", CENTRE[0], CENTRE[1], live=True)
    page = open_page(MAP, viewport=PHONE)
    filters = page.locator("[data-map-filters-panel]")
    expect(filters).not_to_have_attribute("open", re.compile(".*"))
    expect(page.locator("select[name=when]")).to_be_hidden()
    map_box = page.locator("#map").bounding_box()
    assert map_box["y"] < 320 and map_box["y"] + 320 <= PHONE["height"], map_box

    expect(page.locator("#results")).to_be_hidden()
    page.get_by_role("tab", name=re.compile("List")).click()
    expect(page.locator("#results")).to_be_visible()
    expect(page.locator("#map")).to_be_hidden()
    expect(page.locator("#results li.map-entry")).to_have_count(1)
    expect(page.get_by_role("tab", name=re.compile("List"))).to_have_attribute("aria-selected", "true")

    page.get_by_role("tab", name="Map").click()
    expect(page.locator("#map")).to_be_visible()
    expect(page.locator('#map .leaflet-marker-icon[title="Corner set"]')).to_be_visible()

    page.get_by_text("Filters").click()
    expect(page.locator("select[name=when]")).to_be_visible()


def test_on_a_laptop_the_map_and_the_list_sit_side_by_side(open_page):
    show("Corner set", CENTRE[0], CENTRE[1], live=True)
    page = open_page(MAP, viewport={"width": 1280, "height": 800})
    expect(page.get_by_role("tab", name="Map")).to_be_hidden()
    expect(page.locator("select[name=when]")).to_be_visible()
    map_box = page.locator("#map").bounding_box()
    list_box = page.locator("#results").bounding_box()
    assert list_box["x"] >= map_box["x"] + map_box["width"], (map_box, list_box)
    assert abs(list_box["y"] - map_box["y"]) < 40, (map_box, list_box)
    assert map_box["y"] + map_box["height"] <= 800, map_box
