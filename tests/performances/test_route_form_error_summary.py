"""A failed plan lists its errors at the top of the form, each linking to its field."""

import re

import pytest
from django.urls import reverse

from tests.performances.test_performance_pages import management, stop_fields

pytestmark = pytest.mark.django_db


def summary(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_the_summary_links_each_error_to_its_field(client_as, artist):
    data = {"title": "", **management(1), **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00")}
    data["stops-0-lat"] = "200"
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    box = summary(html)
    assert 'role="alert"' in box
    assert 'href="#id_title"' in box
    assert 'href="#id_stops-0-lat"' in box
    assert "Stop 1" in box
    # The summary comes before the first field of the form.
    assert html.index('class="error-summary"') < html.index('id="id_title"')


def test_a_route_rule_links_to_the_stop_that_breaks_it(client_as, artist):
    data = {
        "title": "Clash",
        **management(2),
        **stop_fields(0, "2030-05-01T18:00", "2030-05-01T19:00"),
        **stop_fields(1, "2030-05-01T18:30", "2030-05-01T20:00"),
    }
    html = client_as(artist.user).post(reverse("performance-create"), data).content.decode()
    box = summary(html)
    assert 'href="#stop-2"' in box
    assert "Stop 2 overlaps stop 1" in box
    assert 'id="stop-2"' in html


def test_no_summary_on_a_fresh_form(client_as, artist):
    html = client_as(artist.user).get(reverse("performance-create")).content.decode()
    assert 'class="error-summary"' not in html
