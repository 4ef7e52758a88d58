import pytest
from playwright.sync_api import expect

from tests.factories import PerformanceFactory, StopFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_like_arriving_live_reads_1_like_not_1_likes(open_page):
    # Made by factories: a service would broadcast from the test's own event loop.
    performance = StopFactory(performance=PerformanceFactory(title="Rossio at noon")).performance
    watcher = open_page(performance.get_absolute_url())
    likes = watcher.locator("#like > span").first
    expect(likes).to_have_text("0 likes")
    expect(watcher.locator("[data-viewers]")).to_have_text("1")  # the socket is open

    fan = open_page(performance.get_absolute_url(), user=UserFactory())
    fan.locator("#like").get_by_role("button").click()
    expect(fan.locator("#like > span").first).to_have_text("1 like")
    expect(likes).to_have_text("1 like")
