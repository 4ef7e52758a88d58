"""A live artist's phone shares its position from any open Encore page, one tab at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.performances import services
from apps.performances.models import Performance, PerformanceStatus
from tests.browser.test_accessibility import blocking_violations
from tests.browser.waiting import soon
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# The stop is at Rossio (tests.performances.helpers): the phone is a few streets away.
BAIXA = {"latitude": 38.7101, "longitude": -9.1366}
CARMO = {"latitude": 38.7120, "longitude": -9.1412}
SHARING = {**PHONE, "geolocation": BAIXA, "permissions": ["geolocation"]}


@pytest.fixture
def live(transactional_db, settings) -> Performance:
    # A shorter interval keeps the waits short; the page reads it from the server.
    settings.POSITION_INTERVAL_SECONDS = 2
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    # Planning and going live send live updates from sync code, which Playwright's loop in
    # this thread cannot do: run them from a plain thread.
    thread = threading.Thread(
        target=lambda: services.go_live(plan(artist, 0, title="Rossio at noon"), actor=artist.user)
    )
    thread.start()
    thread.join()
    performance = Performance.objects.get(artist=artist)
    assert performance.status == PerformanceStatus.LIVE
    return performance


def eventually(check: Callable[[], bool], page: Page, timeout: float = 10) -> None:
    assert soon(page, check, timeout), "timed out"


def at(performance: Performance, place: dict) -> Callable[[], bool]:
    def check() -> bool:
        performance.refresh_from_db()
        return (performance.position_lat, performance.position_lng) == (place["latitude"], place["longitude"])

    return check


def open_artists_from_the_header(page: Page) -> None:
    """The bar has the link on a desktop; on a phone it is in the menu."""
    link = page.locator(".nav-primary").get_by_role("link", name="Artists")
    if not link.is_visible():
        page.locator("summary", has_text="Menu").click()
        link = page.locator(".nav-panel").get_by_role("link", name="Artists")
    link.click()


def position_posts(page: Page) -> list[int]:
    """The statuses of the page's position requests, as they come back."""
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/position/") else None)
    return statuses


def test_the_position_arrives_from_the_dashboard_and_then_from_another_page(open_page, live):
    page = open_page("/me/performances/", user=live.artist.user, **SHARING)
    expect(page.get_by_text("only while an Encore page is open")).to_be_visible()
    page.get_by_role("button", name="Share my location").click()
    expect(page.locator("main [data-share-status]")).to_contain_text("Position shared at")
    eventually(at(live, BAIXA), page)

    page.context.set_geolocation(CARMO)
    open_artists_from_the_header(page)
    expect(page).to_have_url("/artists/")
    eventually(at(live, CARMO), page)
    bar = page.locator("[data-position-sharing]")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Position shared at")
    expect(bar.get_by_role("button", name="Stop sharing")).to_be_visible()


def test_a_refused_permission_is_named_and_nothing_is_sent(open_page, live):
    page = open_page("/me/performances/", user=live.artist.user, **PHONE, geolocation=BAIXA, permissions=[])
    posts = position_posts(page)
    page.get_by_role("button", name="Share my location").click()
    expect(page.locator("main [data-share-status]")).to_have_text(
        "Location refused by the browser: allow location for this site in the browser's settings."
    )
    expect(page.get_by_role("button", name="Share my location")).to_be_visible()
    assert posts == []
    live.refresh_from_db()
    assert live.position_at is None


def test_too_soon_waits_as_told_and_then_sends_the_latest_position(open_page, live, settings):
    # Long enough that the retry comes after the phone has moved, however slow the machine.
    settings.POSITION_INTERVAL_SECONDS = 10
    page = open_page("/me/performances/", user=live.artist.user, **SHARING)
    sent: list[tuple[int, dict, str | None]] = []
    page.on(
        "response",
        lambda r: (
            sent.append((r.status, r.request.post_data_json, r.headers.get("retry-after")))
            if r.url.endswith("/position/")
            else None
        ),
    )
    # Another device of the artist's has just sent one.
    Performance.objects.filter(pk=live.pk).update(position_at=timezone.now())
    page.get_by_role("button", name="Share my location").click()
    status = page.locator("main [data-share-status]")
    expect(status).to_contain_text("Position not sent: too soon, retrying in")
    told = status.text_content()
    page.context.set_geolocation(CARMO)
    expect(status).to_contain_text("Position shared at", timeout=15_000)
    eventually(at(live, CARMO), page)
    (refused, first, retry_after), (accepted, second, _) = sent
    assert (refused, accepted) == (429, 200)
    assert 5 <= int(retry_after) <= 10
    assert told == f"Position not sent: too soon, retrying in {retry_after} s."
    assert (first["lat"], second["lat"]) == (BAIXA["latitude"], CARMO["latitude"])


def test_a_network_error_is_said_and_the_position_is_sent_once_the_network_is_back(open_page, live):
    page = open_page("/me/performances/", user=live.artist.user, **SHARING)
    page.route("**/position/", lambda route: route.abort())
    page.get_by_role("button", name="Share my location").click()
    status = page.locator("main [data-share-status]")
    expect(status).to_have_text("Position not sent: network error, retrying in 2 s.")
    page.unroute("**/position/")
    expect(status).to_contain_text("Position shared at")
    eventually(at(live, BAIXA), page)


def test_the_servers_reason_is_shown_when_it_refuses(open_page, live):
    page = open_page("/me/performances/", user=live.artist.user, **SHARING)
    page.get_by_role("button", name="Share my location").click()
    eventually(at(live, BAIXA), page)
    # Ended from the app on another device: this page learns it from the refusal.
    thread = threading.Thread(target=lambda: services.end_performance(live, actor=live.artist.user))
    thread.start()
    thread.join()
    page.context.set_geolocation(CARMO)
    status = page.locator("main [data-share-status]")
    expect(status).to_have_text(
        "Sharing stopped: only a live performance has a position; this one is completed."
    )
    expect(page.get_by_role("button", name="Stop sharing")).to_be_hidden()
    expect(page.get_by_role("button", name="Share my location")).to_be_hidden()


def test_two_open_tabs_send_through_one_and_the_other_takes_over(open_page, live):
    dashboard = open_page("/me/performances/", user=live.artist.user, **SHARING)
    dashboard.get_by_role("button", name="Share my location").click()
    eventually(at(live, BAIXA), dashboard)
    second = dashboard.context.new_page()
    second.goto("/artists/")
    expect(second.locator("[data-position-sharing]")).to_contain_text("Sharing from another Encore tab")
    from_dashboard, from_second = position_posts(dashboard), position_posts(second)

    dashboard.context.set_geolocation(CARMO)
    eventually(at(live, CARMO), dashboard)
    dashboard.wait_for_timeout(2500)
    assert from_dashboard and from_second == []
    assert 429 not in from_dashboard

    dashboard.close()
    second.context.set_geolocation(BAIXA)
    eventually(at(live, BAIXA), second)
    expect(second.locator("[data-position-sharing]")).to_contain_text("Position shared at")
    assert 429 not in from_second


def test_ending_the_performance_stops_sharing_in_every_tab(open_page, live):
    dashboard = open_page("/me/performances/", user=live.artist.user, **SHARING)
    dashboard.get_by_role("button", name="Share my location").click()
    eventually(at(live, BAIXA), dashboard)
    second = dashboard.context.new_page()
    second.goto("/artists/")
    expect(second.locator("[data-position-sharing]")).to_be_visible()
    posts = position_posts(second)

    dashboard.get_by_role("button", name="End").click()
    dashboard.get_by_role("button", name="End the performance").click()  # asked first
    eventually(lambda: Performance.objects.get(pk=live.pk).status == PerformanceStatus.COMPLETED, dashboard)
    expect(dashboard.locator("[data-position-sharing]")).to_have_count(0)
    bar = second.locator("[data-position-sharing]")
    expect(bar.locator("[data-share-status]")).to_have_text("Sharing stopped: the performance has ended.")
    expect(bar.get_by_role("button")).to_be_hidden()
    second.context.set_geolocation(CARMO)
    second.wait_for_timeout(2500)
    assert posts == []


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_sharing_fits_the_dashboard_and_other_pages(open_page, live, tmp_path, width, height):
    page = open_page(
        "/me/performances/",
        user=live.artist.user,
        **{**SHARING, "viewport": {"width": width, "height": height}},
    )
    page.get_by_role("button", name="Share my location").click()
    expect(page.locator("main [data-share-status]")).to_contain_text("Position shared at")
    for part in [
        page.get_by_role("button", name="Stop sharing"),
        page.get_by_text("only while an Encore page"),
    ]:
        expect(part).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(page) == []
    page.screenshot(path=tmp_path / f"dashboard-{width}x{height}.png", full_page=True)

    open_artists_from_the_header(page)
    bar = page.locator("[data-position-sharing]")
    expect(bar).to_contain_text("Position shared at")
    expect(bar.get_by_role("button", name="Stop sharing")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(page) == []
    page.screenshot(path=tmp_path / f"artists-{width}x{height}.png")
