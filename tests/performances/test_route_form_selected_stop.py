"""The stop being placed stays selected when the form comes back with errors."""

import re

import pytest
from django.urls import reverse

from tests.performances.test_performance_pages import management, stop_fields

pytestmark = pytest.mark.django_db


def active_stop(html: str) -> str:
    match = re.search(r'name="active_stop" value="(\d+)"', html)
    assert match, "the form carries no active stop"
    return match.group(1)


def active_legends(html: str) -> list[str]:
    return re.findall(r'<fieldset class="stop-fieldset active"[^>]*>\s*<legend>([^<]+)</legend>', html)


def two_stops(**extra: str) -> dict:
    return {
        **management(2),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00"),
        **stop_fields(1, "2030-05-01T19:30", "2030-05-01T20:30", place="Chiado"),
        **extra,
    }


def test_the_posted_stop_stays_selected_after_an_error_elsewhere(client_as, artist):
    data = two_stops(title="", active_stop="1")
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    assert active_stop(html) == "1"
    assert active_legends(html) == ["Stop 2"]


def test_the_first_stop_with_errors_is_selected(client_as, artist):
    data = two_stops(title="Set", active_stop="0")
    data["stops-1-lat"] = ""
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    assert active_stop(html) == "1"
    assert active_legends(html) == ["Stop 2"]


def test_a_route_rule_broken_by_a_stop_selects_that_stop(client_as, artist):
    data = two_stops(title="Clash", active_stop="0")
    data["stops-1-starts_at"] = "2030-05-01T18:30"
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    assert "Stop 2 overlaps stop 1" in html
    assert active_stop(html) == "1"


def test_a_nonsense_active_stop_falls_back_to_the_first(client_as, artist):
    for value in ("7", "-1", "x"):
        data = two_stops(title="", active_stop=value)
        html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
        assert active_stop(html) == "0", value


def test_adding_a_stop_selects_the_new_one(client_as, artist):
    data = two_stops(title="Set", active_stop="0", edit_route="add")
    html = client_as(artist.user).post(reverse("performance-create"), data, HTTP_HX_REQUEST="true").content
    assert active_stop(html.decode()) == "2"
