"""A Tip button is offered where tipping can work: with payments set up it is the performance
page's main button; without them the pages say tipping is unavailable instead of leading to a
dead end."""

from __future__ import annotations

import pytest

from tests.factories import ArtistProfileFactory, PerformanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def payments_on(settings):
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_pages"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pages"
    return settings


@pytest.fixture
def payments_off(settings):
    settings.STRIPE_TEST_SECRET_KEY = ""
    settings.STRIPE_LIVE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    return settings


def test_with_payments_the_performance_pages_main_button_tips_the_artist(client, payments_on):
    performance = PerformanceFactory()
    page = client.get(performance.get_absolute_url()).content.decode()
    tip = f'href="/artists/{performance.artist.slug}/tip/?performance={performance.pk}"'
    assert f'class="button" {tip}' in page


def test_without_payments_no_page_offers_a_tip_button_and_both_say_why(client, payments_off):
    performance = PerformanceFactory()
    artist = ArtistProfileFactory()
    for url in (performance.get_absolute_url(), artist.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "/tip/" not in page
        assert "Tips are not available right now" in page
