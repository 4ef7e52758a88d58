"""An artist's stats page and CSV, and curators' area insights in the admin."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from apps.accounts.roles import CURATORS
from apps.curation.models import ArtistDay
from tests.factories import AreaFactory, ArtistProfileFactory, UserFactory

# The stats pages and the insights are reached through this urlconf until the site's includes them.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.curation.stats_urls"),
    pytest.mark.usefixtures("quiet_refusals"),
]

LISBON = ZoneInfo("Europe/Lisbon")
TODAY = date(2025, 7, 31)


@pytest.fixture(autouse=True)
def _today_in_lisbon(settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    # 23:30 UTC on the 30th is already the 31st in Lisbon: "today" is the site's day.
    with time_machine.travel(datetime(2025, 7, 30, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


@pytest.fixture
def alice_days(alice):
    artist = alice.artist_profile
    ArtistDay.objects.create(
        artist=artist, date=TODAY, views=12, unique_viewers=7, likes=3, plays=40, votes=5, tips=2,
        tips_amount=1250, new_followers=4,
    )  # fmt: skip
    ArtistDay.objects.create(artist=artist, date=TODAY - timedelta(days=29), views=5, unique_viewers=5)
    # Outside the last 30 days, inside the last 90.
    ArtistDay.objects.create(artist=artist, date=TODAY - timedelta(days=45), views=100, plays=1)
    return artist


def csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.content.decode())))


def chart_data(response) -> dict:  # noqa: ANN001
    match = re.search(
        r'<script id="stats-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "the chart data is embedded in the page"
    return json.loads(match.group(1))


# --- who may see it ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["artist-stats", "artist-stats-csv"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["artist-stats", "artist-stats-csv"])
def test_users_without_an_artist_profile_are_sent_to_create_one(client_as, name):
    fan = UserFactory()

    response = client_as(fan).get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == reverse("artist-create")


def test_an_artist_sees_only_their_own_numbers(client_as, alice_days, bob):
    ArtistDay.objects.create(artist=bob.artist_profile, date=TODAY, views=999, plays=888)

    response = client_as(bob).get(reverse("artist-stats"))

    data = chart_data(response)
    assert data["series"]["views"][-1] == 999
    assert sum(data["series"]["views"]) == 999
    assert "12" not in re.findall(r'data-total="views">(\d+)<', response.content.decode())


# --- the page ----------------------------------------------------------------------------


def test_the_page_has_totals_chart_data_and_a_table_of_every_day(client_as, alice, alice_days):
    response = client_as(alice).get(reverse("artist-stats"))

    assert response.status_code == 200
    html = response.content.decode()
    data = chart_data(response)
    assert len(data["dates"]) == 30
    assert data["dates"][0] == "2025-07-02"
    assert data["dates"][-1] == "2025-07-31"
    assert data["series"]["views"][0] == 5
    assert data["series"]["views"][-1] == 12
    assert data["series"]["tips_amount"][-1] == 12.5
    assert sum(data["series"]["plays"]) == 40
    assert {chart["id"] for chart in data["charts"]} >= {"views", "tips", "tips-amount", "followers"}
    # The table: one row per day, the newest first, readable without JavaScript.
    rows = re.findall(r'<tr data-day="([\d-]+)">', html)
    assert len(rows) == 30
    assert rows[0] == "2025-07-31"
    assert rows[-1] == "2025-07-02"
    assert '<th scope="col" class="amount">Unique viewers</th>' in html
    assert "€12.50" in html
    assert 'data-total="views">17<' in html
    assert 'data-total="tips_amount">€12.50<' in html
    assert 'data-total="new_followers">4<' in html


def test_ninety_days_reach_further_back(client_as, alice, alice_days):
    response = client_as(alice).get(reverse("artist-stats"), {"days": "90"})

    data = chart_data(response)
    assert len(data["dates"]) == 90
    assert sum(data["series"]["views"]) == 12 + 5 + 100
    assert 'aria-current="page">Last 90 days' in response.content.decode()


@pytest.mark.parametrize("days", ["7", "abc", "-30", "30000"])
def test_another_span_is_refused_with_a_message(client_as, alice, days):
    response = client_as(alice).get(reverse("artist-stats"), {"days": days})

    assert response.status_code == 400
    assert "last 30 or 90 days" in response.content.decode()


def test_the_charts_use_the_vendored_library_and_no_other_origin(client_as, alice, alice_days):
    html = client_as(alice).get(reverse("artist-stats")).content.decode()

    assert "/static/vendor/uplot/uPlot.iife.min.js" in html
    assert "/static/vendor/uplot/uPlot.min.css" in html
    assert "/static/js/stats.js" in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
    # Hidden until the script draws them: without JavaScript the table is what shows.
    assert re.search(r"<section [^>]*data-stats-charts hidden>", html)


# --- CSV ---------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_day_and_a_named_file(client_as, alice, alice_days):
    response = client_as(alice).get(reverse("artist-stats-csv"), {"days": "30"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="encore-stats-alice-strings-2025-07-02-2025-07-31.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "date", "views", "unique_viewers", "likes", "plays", "votes", "tips",
        "tips_amount_minor", "tips_amount", "new_followers",
    ]  # fmt: skip
    assert len(rows) == 1 + 30
    assert rows[1] == ["2025-07-02", "5", "5", "0", "0", "0", "0", "0", "€0", "0"]
    assert rows[-1] == ["2025-07-31", "12", "7", "3", "40", "5", "2", "1250", "€12.50", "4"]


def test_the_csv_covers_ninety_days_when_asked(client_as, alice, alice_days):
    rows = csv_rows(client_as(alice).get(reverse("artist-stats-csv"), {"days": "90"}))

    assert len(rows) == 1 + 90
    assert rows[1 + 44][:2] == ["2025-06-16", "100"]


def test_the_csv_refuses_another_span(client_as, alice):
    response = client_as(alice).get(reverse("artist-stats-csv"), {"days": "365"})

    assert response.status_code == 400


# --- curators' area insights ---------------------------------------------------------------


@pytest.fixture
def insights(personas):
    """Two areas' artists with a day each; the curators' group may view the insights."""
    curators = Group.objects.get(name=CURATORS)
    curators.permissions.add(
        Permission.objects.get(content_type__app_label="curation", codename="view_artistday")
    )
    alfama, baixa = AreaFactory(name="Alfama"), AreaFactory(name="Baixa")
    for area, views, amount in ((alfama, 30, 98765), (baixa, 80, 43210)):
        artist = ArtistProfileFactory(home_area=area)
        ArtistDay.objects.create(
            artist=artist, date=TODAY - timedelta(days=3), views=views, plays=9, likes=2, votes=1, tips=3,
            tips_amount=amount, new_followers=1,
        )  # fmt: skip
    # Older than 30 days: not in the default span.
    ArtistDay.objects.create(artist=artist, date=TODAY - timedelta(days=40), views=1000)
    return {"alfama": alfama, "baixa": baixa}


def insights_url() -> str:
    return reverse("admin:curation_artistday_changelist")


def test_a_curator_sees_engagement_per_area_without_tip_amounts(client_as, personas, insights):
    response = client_as(personas.curator).get(insights_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Area insights: last 30 days" in html
    # Busiest first.
    assert html.index("Baixa, Lisbon") < html.index("Alfama, Lisbon")
    assert "<td>80</td>" in html
    assert "<td>1000</td>" not in html
    for payment_data in ("98765", "987.65", "43210", "432.10", "€", "tips_amount"):
        assert payment_data not in html


def test_the_insights_cover_ninety_days_when_asked(client_as, personas, insights):
    html = client_as(personas.curator).get(insights_url(), {"days": "90"}).content.decode()

    assert "<td>1080</td>" in html


def test_the_insights_are_listed_on_the_curators_admin_index(client_as, personas, insights):
    html = client_as(personas.curator).get(reverse("admin:index")).content.decode()

    assert insights_url() in html


def test_staff_without_the_view_permission_are_refused(client_as, personas, insights):
    response = client_as(personas.venue_staff).get(insights_url())

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_admin_login(client, insights):
    response = client.get(insights_url())

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_single_artist_day_has_no_page_of_its_own(client_as, personas, insights):
    day = ArtistDay.objects.first()

    response = client_as(personas.curator).get(f"{insights_url()}{day.pk}/change/")

    assert response.status_code == 404
