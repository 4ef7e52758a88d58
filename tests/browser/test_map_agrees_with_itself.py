"""The live map page: its list and its markers show the same performances, whatever the
filters, wherever the browser is, and as shows go live, move and end."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.waiting import soon
from tests.factories import AreaFactory, PerformanceFactory, StopFactory, square

pytestmark = pytest.mark.browser

CENTRE = (38.7139, -9.1394)
MAP = f"/map/?lat={CENTRE[0]}&lng={CENTRE[1]}&radius_km=3"

# Markers the person can see: a lone marker counts one (by its title), a cluster its number.
MARKERS = """() => {
  const seen = {titles: [], clustered: 0};
  document.querySelectorAll('#map .leaflet-marker-pane .leaflet-marker-icon').forEach((icon) => {
    if (icon.classList.contains('marker-cluster')) {
      const count = icon.querySelector('.map-cluster-count') || icon;
      seen.clustered += parseInt(count.textContent.replace(/\\D+/g, ' ').trim().split(' ')[0], 10);
    } else {
      seen.titles.push(icon.getAttribute('title'));
    }
  });
  return seen;
}"""


def listed(page) -> list[str]:  # noqa: ANN001
    return sorted(page.locator("#results li.result strong").all_inner_texts())


def shown(page) -> tuple[list[str], int]:  # noqa: ANN001
    seen = page.evaluate(MARKERS)
    return sorted(seen["titles"]), seen["clustered"]


def expect_same_set(page, titles: list[str]) -> None:  # noqa: ANN001
    """The list names exactly `titles`, and the markers (lone or counted in a cluster) do too."""
    expect(page.locator("#results li.result")).to_have_count(len(titles))
    assert listed(page) == sorted(titles)

    def agree() -> bool:
        lone, clustered = shown(page)
        return len(lone) + clustered == len(titles) and set(lone) <= set(titles)

    soon(page, agree)
    lone, clustered = shown(page)
    assert len(lone) + clustered == len(titles), (lone, clustered, titles)
    assert set(lone) <= set(titles), (lone, titles)


def show(title: str, lat: float, lng: float, *, area=None, live: bool = False, starts_in: int = -10):  # noqa: ANN001
    status = "live" if live else "scheduled"
    performance = PerformanceFactory(title=title, status=status)
    if live:
        performance.position_lat, performance.position_lng = lat, lng
        performance.save()
    start = timezone.now() + timedelta(minutes=starts_in)
    StopFactory(performance=performance, lat=lat, lng=lng, area=area, starts_at=start)
    return performance


@pytest.fixture
def four_shows(transactional_db):
    baixa = AreaFactory(name="Baixa", slug="baixa", boundary=square(38.7120, -9.1380, 0.004))
    show("Baixa now", 38.7110, -9.1370, area=baixa, live=True)
    show("Baixa tonight", 38.7135, -9.1395, area=baixa, starts_in=30)
    show("Graça now", 38.7200, -9.1300, live=True)
    show("Estrela tonight", 38.7100, -9.1550, starts_in=45)
    return baixa


def test_an_area_filter_and_playing_now_give_the_list_and_the_markers_the_same_set(open_page, four_shows):
    page = open_page(MAP)
    expect_same_set(page, ["Baixa now", "Baixa tonight", "Graça now", "Estrela tonight"])

    page.locator("select[name=area]").select_option("baixa")
    expect(page.locator("#results")).to_contain_text("2 performances")
    expect_same_set(page, ["Baixa now", "Baixa tonight"])

    page.locator("select[name=when]").select_option("now")
    expect(page.locator("#results")).to_contain_text("1 performance ")
    expect_same_set(page, ["Baixa now"])

    page.locator("select[name=area]").select_option("")
    expect(page.locator("#results")).to_contain_text("2 performances")
    expect_same_set(page, ["Baixa now", "Graça now"])


def test_a_visitor_who_shares_their_location_gets_the_list_and_markers_around_them(open_page, four_shows):
    page = open_page(
        "/map/",
        geolocation={"latitude": CENTRE[0], "longitude": CENTRE[1]},
        permissions=["geolocation"],
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect(page).to_have_url(re.compile(r"lat=38\.7139"))
    expect_same_set(page, ["Baixa now", "Baixa tonight", "Graça now", "Estrela tonight"])
    page.locator("select[name=when]").select_option("now")
    expect_same_set(page, ["Baixa now", "Graça now"])
    assert errors == []


def test_the_first_view_tells_nearby_shows_apart(open_page, four_shows):
    page = open_page("/map/?lat=38.7139&lng=-9.1394")
    lone, clustered = shown(page)
    # Four shows about a kilometre apart are not one bubble.
    assert len(lone) >= 2, (lone, clustered)


# --- live: a second person makes shows go live, move and end -----------------------------------

ACT = """async ([path, body]) => {
  const headers = JSON.parse(document.body.getAttribute('hx-headers'));
  const response = await fetch(path, {
    method: 'POST',
    headers: {...headers, 'Content-Type': 'application/json'},
    body: JSON.stringify(body || {}),
  });
  return response.status;
}"""


def act(page, path: str, body: dict | None = None) -> None:  # noqa: ANN001
    """The performer's own browser calls the API, as the dashboard does."""
    assert page.evaluate(ACT, [path, body]) == 200


def marker(page, title: str):  # noqa: ANN001, ANN201
    return page.locator(f'#map .leaflet-marker-icon[title="{title}"]')


def watches(page, lat: float, lng: float) -> bool:  # noqa: ANN001
    """Whether the map's socket listens to an area around (lat, lng)."""
    watching = page.locator("#map").get_attribute("data-watching")
    if not watching:
        return False
    south, west, north, east = (float(v) for v in watching.split(","))
    return south <= lat <= north and west <= lng <= east


def test_a_show_going_live_moving_and_ending_changes_the_list_and_the_markers_without_reload(open_page):
    performance = show("Rossio at noon", CENTRE[0], CENTRE[1], starts_in=-5)
    fan = open_page(MAP)
    fan.evaluate("window.notReloaded = true")
    entry = fan.locator(f'#results li[data-performance-id="{performance.pk}"]')
    expect(entry).to_be_visible()
    expect(entry.locator(".badge.live")).to_have_count(0)
    expect(marker(fan, "Rossio at noon")).not_to_have_class(re.compile("marker-live"))

    performer = open_page("/me/performances/", user=performance.artist.user)
    act(performer, f"/api/v1/performances/{performance.pk}/go-live/")
    expect(entry.locator(".badge.live")).to_have_text("Live")
    expect(marker(fan, "Rossio at noon")).to_have_class(re.compile("marker-live"))
    expect_same_set(fan, ["Rossio at noon"])

    before = marker(fan, "Rossio at noon").bounding_box()
    act(performer, f"/api/v1/performances/{performance.pk}/position/", {"lat": 38.7160, "lng": -9.1350})
    expect(entry).to_have_attribute("data-lat", re.compile(r"^38\.716"))
    fan.wait_for_timeout(300)
    after = marker(fan, "Rossio at noon").bounding_box()
    # North-east on the screen: right and up.
    assert after["x"] > before["x"] + 10 and after["y"] < before["y"] - 10, (before, after)

    act(performer, f"/api/v1/performances/{performance.pk}/end/")
    expect(fan.locator("#results li.map-entry")).to_have_count(0)
    expect(fan.locator("#results")).to_contain_text("0 performances")
    expect(marker(fan, "Rossio at noon")).to_have_count(0)
    expect_same_set(fan, [])
    assert fan.evaluate("window.notReloaded") is True


def test_panning_the_map_searches_and_listens_where_it_now_is(open_page):
    fan = open_page(f"/map/?lat={CENTRE[0]}&lng={CENTRE[1]}&radius_km=1")
    box = fan.locator("#map").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(2):  # westward drags: the map moves east, several kilometres
        fan.mouse.move(*middle)
        fan.mouse.down()
        fan.mouse.move(middle[0] - 450, middle[1], steps=8)
        fan.mouse.up()
        fan.wait_for_timeout(400)
    expect(fan).not_to_have_url(re.compile(rf"lng={CENTRE[1]}\b"))
    lat = float(re.search(r"lat=(-?[\d.]+)", fan.url).group(1))
    lng = float(re.search(r"lng=(-?[\d.]+)", fan.url).group(1))
    assert lng > CENTRE[1] + 0.03, fan.url  # beyond the first view's cells

    assert soon(fan, lambda: watches(fan, lat, lng)), fan.locator("#map").get_attribute("data-watching")

    performance = show("Out east", lat, lng, starts_in=-5)
    performer = open_page("/me/performances/", user=performance.artist.user)
    act(performer, f"/api/v1/performances/{performance.pk}/go-live/")
    entry = fan.locator(f'#results li[data-performance-id="{performance.pk}"]')
    expect(entry.locator(".badge.live")).to_have_text("Live")
    expect(marker(fan, "Out east")).to_have_class(re.compile("marker-live"))


def test_going_back_after_a_filter_shows_the_earlier_list_and_its_markers(open_page, four_shows):
    page = open_page(MAP)
    page.locator("select[name=area]").select_option("baixa")
    expect(page.locator("#results")).to_contain_text("2 performances")
    page.go_back()
    expect(page.locator("#results")).to_contain_text("4 performances")
    expect_same_set(page, ["Baixa now", "Baixa tonight", "Graça now", "Estrela tonight"])
    # The map still works: filtering again redraws it.
    page.locator("select[name=when]").select_option("now")
    expect_same_set(page, ["Baixa now", "Graça now"])


def test_a_show_going_live_early_joins_playing_now_in_the_list_and_on_the_map(open_page):
    performance = show("Early bird", CENTRE[0], CENTRE[1], starts_in=20)
    neighbour = show("Next door", CENTRE[0] + 0.00005, CENTRE[1], live=True)
    fan = open_page(MAP + "&when=now")
    expect_same_set(fan, ["Next door"])
    expect(fan.locator("#map .marker-cluster")).to_have_count(0)

    performer = open_page("/me/performances/", user=performance.artist.user)
    act(performer, f"/api/v1/performances/{performance.pk}/go-live/")
    expect(fan.locator(f'#results li[data-performance-id="{performance.pk}"] .badge.live')).to_be_visible()
    expect_same_set(fan, ["Early bird", "Next door"])
    # Side by side with its neighbour: one bubble that says both are live.
    expect(fan.locator("#map .marker-cluster .map-cluster-live")).to_have_text("2 live")
    assert neighbour.status == "live"


def test_zooming_with_the_buttons_searches_the_view_again(open_page):
    page = open_page("/")
    frames: list[tuple[str, dict]] = []

    def watch(socket) -> None:  # noqa: ANN001
        if "/ws/map/" in socket.url:
            socket.on("framesent", lambda body: frames.append(("sent", json.loads(body))))
            socket.on("framereceived", lambda body: frames.append(("received", json.loads(body))))

    page.on("websocket", watch)
    page.goto("/map/?radius_km=2")
    assert soon(page, lambda: ("received", "snapshot") in [(way, frame["type"]) for way, frame in frames])
    assert "lat=" not in page.url

    with page.expect_response(lambda response: re.search(r"/map/\?.*lat=", response.url)) as searched:
        page.locator(".leaflet-control-zoom-out").click()
    # The search now names where the map is: the list is searched there, and the socket listens there.
    assert searched.value.ok
    expect(page).to_have_url(re.compile(r"lat=-?\d+\.\d{5}&lng=-?\d+\.\d{5}"))
    lat = re.search(r"lat=(-?[\d.]+)", page.url).group(1)
    lng = re.search(r"lng=(-?[\d.]+)", page.url).group(1)

    def listening_there() -> bool:
        sent = [i for i, (way, frame) in enumerate(frames) if way == "sent" and frame["type"] == "subscribe"]
        return (
            bool(sent)
            and (frames[sent[-1]][1]["lat"], frames[sent[-1]][1]["lng"]) == (lat, lng)
            and any(way == "received" and frame["type"] == "snapshot" for way, frame in frames[sent[-1] :])
        )

    assert soon(page, listening_there), frames
