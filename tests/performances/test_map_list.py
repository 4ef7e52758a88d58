"""The map page's list: the one state its markers are drawn from, and what it says of a live show."""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PerformanceFactory, StopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _start_of_a_minute():
    # The expected times are worked out again after the request: started on a whole minute,
    # the clock cannot cross into the next one in between (it did, once, in CI).
    with time_machine.travel("2026-06-06 13:00:00+01:00", tick=True):
        yield


LISBON = {"lat": "38.7139", "lng": "-9.1394", "radius_km": "3"}


def live_between_stops(title: str = "Rossio to Carmo"):
    """A live show whose first stop is over and whose next starts in 40 minutes."""
    now = timezone.now()
    performance = PerformanceFactory(title=title, status="live", position_lat=38.7140, position_lng=-9.1390)
    StopFactory(performance=performance, order=1, place_name="Rossio", starts_at=now - timedelta(minutes=70))
    StopFactory(
        performance=performance,
        order=2,
        place_name="Largo do Carmo",
        lat=38.7120,
        lng=-9.1412,
        starts_at=now + timedelta(minutes=40),
    )
    return performance


@dataclass
class Entry:
    attrs: dict[str, str]
    words: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


class Entries(HTMLParser):
    """The list's entries (li.map-entry): their attributes and their text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Entry] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != "li":
            return
        if self.depth:
            self.depth += 1
        elif "map-entry" in (dict(attrs).get("class") or "").split():
            self.found.append(Entry(dict(attrs)))
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1].words.append(data)


def entry(html: str, title: str) -> Entry:
    parser = Entries()
    parser.feed(html)
    for found in parser.found:
        if found.attrs.get("data-title") == title:
            return found
    raise AssertionError(f"{title} is not listed")


def hhmm(minutes: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(minutes=minutes)).strftime("%H:%M")


def test_a_live_show_in_the_map_list_says_it_plays_now_not_its_next_stops_time(client):
    live_between_stops()
    html = client.get(reverse("map"), {**LISBON, "when": "today"}).content.decode()
    text = entry(html, "Rossio to Carmo").text
    assert "Live" in text
    assert "Playing now" in text
    assert hhmm(40) not in text, text


def test_a_live_show_at_a_stop_says_until_when_it_plays_there(client):
    performance = PerformanceFactory(
        title="Corner", status="live", position_lat=38.7139, position_lng=-9.1394
    )
    start = timezone.now() - timedelta(minutes=10)
    StopFactory(performance=performance, place_name="Rossio", starts_at=start)
    html = client.get(reverse("map"), {**LISBON, "when": "now"}).content.decode()
    text = entry(html, "Corner").text
    assert f"Playing now at Rossio until {hhmm(50)}" in text


def test_each_map_list_entry_carries_what_its_marker_needs_in_the_swapped_region(client):
    live_between_stops()
    html = client.get(reverse("map"), {**LISBON, "when": "now"}, HTTP_HX_REQUEST="true").content.decode()
    # HTMX drops every <script> of a swapped region (allowScriptTags is off), data ones too.
    assert "<script" not in html
    li = entry(html, "Rossio to Carmo").attrs
    assert li["data-status"] == "live"
    # A live performer is drawn where they are, not at a stop.
    assert (float(li["data-lat"]), float(li["data-lng"])) == (38.7140, -9.1390)
    assert li["data-url"] == reverse("performance-detail", kwargs={"pk": li["data-performance-id"]})


def test_a_scheduled_show_in_the_map_list_shows_its_stops_times_and_place(client):
    performance = PerformanceFactory(title="Later", status="scheduled")
    start = timezone.now() + timedelta(minutes=20)
    StopFactory(performance=performance, place_name="Rossio", starts_at=start)
    html = client.get(reverse("map"), {**LISBON, "when": "today"}).content.decode()
    li = entry(html, "Later").attrs
    text = entry(html, "Later").text
    assert "Live" not in text
    assert f"Rossio · {hhmm(20)}–{hhmm(80)}" in text
    assert (float(li["data-lat"]), float(li["data-lng"])) == (38.7139, -9.1394)
