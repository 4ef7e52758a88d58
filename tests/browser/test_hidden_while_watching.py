"""A fan watching a live performance's page sees it stop following the show once a curator
hides it; its artist's own page keeps following it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.performances import services
from apps.performances.models import PerformanceStatus
from tests.factories import PerformanceFactory, StopFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_fans_page_says_the_performance_is_no_longer_available_once_hidden(open_page):
    performance = PerformanceFactory(
        title="Rossio at noon", status=PerformanceStatus.LIVE, started_at=timezone.now()
    )
    StopFactory(performance=performance)
    fan = open_page(
        performance.get_absolute_url(), user=UserFactory(), viewport={"width": 390, "height": 844}
    )
    artist = open_page(performance.get_absolute_url(), user=performance.artist.user)
    for page in (fan, artist):
        expect(page.locator("[data-viewers]")).to_have_text("2")

    services.set_hidden(performance, True)

    expect(fan.locator("[data-status]").first).to_have_text("No longer available")
    expect(artist.locator("[data-viewers]")).to_have_text("1")
    expect(artist.locator("[data-status]").first).not_to_have_text("No longer available")
