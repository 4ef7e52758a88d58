"""A live screen heals by itself when the cache that numbers its messages is lost (Redis
restarted empty, flushed or evicted): the next update still reaches it, without a reload."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from apps.performances.models import PerformanceStatus
from tests.factories import PerformanceFactory, StopFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_performance_page_keeps_counting_likes_after_the_cache_is_lost(open_page):
    # Made by factories: a service would broadcast from the test's own event loop.
    performance = PerformanceFactory(
        title="Rossio at noon", status=PerformanceStatus.LIVE, started_at=timezone.now()
    )
    StopFactory(performance=performance)
    watcher = open_page(performance.get_absolute_url())
    watcher.evaluate("window.notReloaded = true")
    likes = watcher.locator("#like > span").first
    expect(watcher.locator("[data-viewers]")).to_have_text("1")

    first = open_page(performance.get_absolute_url(), user=UserFactory())
    first.locator("#like").get_by_role("button").click()
    expect(likes).to_have_text("1 like")

    cache.clear()  # what Redis restarted without its data looks like to the site

    second = open_page(performance.get_absolute_url(), user=UserFactory())
    second.locator("#like").get_by_role("button").click()
    expect(likes).to_have_text("2 likes")
    assert watcher.evaluate("window.notReloaded") is True
