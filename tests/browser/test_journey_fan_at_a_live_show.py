"""A signed-in fan at a live show: they are counted among the watchers, and what other
people do there (joining, liking) reaches their screen without a reload."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.performances.models import PerformanceStatus
from tests.factories import ArtistProfileFactory, PerformanceFactory, StopFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_signed_in_fan_is_counted_and_sees_another_fans_like_arrive(open_page):
    # Made by factories: a service would broadcast from the test's own event loop.
    artist = ArtistProfileFactory(stage_name="Marta Lume")
    performance = PerformanceFactory(
        artist=artist, title="Fado at dusk", status=PerformanceStatus.LIVE, started_at=timezone.now()
    )
    StopFactory(performance=performance)
    fan = UserFactory(display_name="Rita")

    page = open_page(performance.get_absolute_url(), user=fan, viewport=PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fado at dusk")
    expect(page.locator("[data-viewers]")).to_have_text("1")  # the fan themself
    likes = page.locator("#like > span").first
    expect(likes).to_have_text("0 likes")

    other = open_page(performance.get_absolute_url(), user=UserFactory())
    expect(page.locator("[data-viewers]")).to_have_text("2")
    other.locator("#like").get_by_role("button").click()

    expect(likes).to_have_text("1 like")
    # The fan's own button still offers them the like: the other fan's like is not theirs.
    expect(page.locator("#like").get_by_role("button")).to_have_attribute("aria-pressed", "false")
