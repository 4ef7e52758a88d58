import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.performances.models import Performance, PerformanceStatus
from tests.factories import ArtistProfileFactory

pytestmark = pytest.mark.browser


def local(minutes: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def fill_stop(page, index: int, place: str, lat: str, lng: str, start: int, end: int) -> None:  # noqa: ANN001
    page.fill(f"input[name=stops-{index}-place_name]", place)
    page.fill(f"input[name=stops-{index}-lat]", lat)
    page.fill(f"input[name=stops-{index}-lng]", lng)
    page.fill(f"input[name=stops-{index}-starts_at]", local(start))
    page.fill(f"input[name=stops-{index}-ends_at]", local(end))


def test_a_performer_plans_two_stops_goes_live_and_a_fan_sees_the_marker_appear(open_page):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    fan = open_page("/map/?lat=38.7139&lng=-9.1394&radius_km=3&when=now")
    expect(fan.locator("#results")).to_contain_text("0 performances")
    expect(fan.locator("#map .leaflet-marker-icon")).to_have_count(0)

    performer = open_page("/me/performances/new/", user=artist.user)
    performer.fill("input[name=title]", "Rossio at noon")
    fill_stop(performer, 0, "Rossio", "38.71390", "-9.13940", -5, 55)
    performer.get_by_role("button", name="Add a stop").click()
    expect(performer.locator("fieldset[data-stop]")).to_have_count(2)
    fill_stop(performer, 1, "Largo do Carmo", "38.71200", "-9.14120", 60, 120)
    performer.get_by_role("button", name="Plan it").click()
    expect(performer.get_by_text("Performance planned.")).to_be_visible()
    assert list(Performance.objects.get().stops.values_list("place_name", flat=True)) == [
        "Rossio",
        "Largo do Carmo",
    ]

    performer.get_by_role("button", name="Go live").click()
    expect(performer.get_by_text("You are live.")).to_be_visible()
    assert Performance.objects.get().status == PerformanceStatus.LIVE

    marker = fan.locator('#map .leaflet-marker-icon[title="Rossio at noon"]')
    expect(marker).to_be_visible(timeout=10_000)
    expect(marker).to_have_class(re.compile("marker-live"))
