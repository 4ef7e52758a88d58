"""An artist's page and their API resource say where they play: live now first, then the
shows to come in time order, then the recent ones; never a hidden or cancelled one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.performances import services
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def marta():
    return ArtistProfileFactory(stage_name="Marta Lume")


@pytest.fixture
def shows(marta):
    """Marta live now, two shows to come (the later one planned first), one she played and
    ended, one cancelled and one hidden by a curator."""
    done = plan(marta, 5, title="Last week's set")
    services.go_live(done, actor=marta.user)
    services.end_performance(done, actor=marta.user)
    live = plan(marta, -10, title="Fado at dusk")
    services.go_live(live, actor=marta.user)
    later = plan(marta, 60 * 26, title="Tomorrow by the river")
    sooner = plan(marta, 120, title="Tonight in Alfama")
    cancelled = plan(marta, 200, title="Rained off")
    services.cancel_performance(cancelled, actor=marta.user)
    hidden = plan(marta, 300, title="Taken down")
    services.set_hidden(hidden, True)
    return {"live": live, "sooner": sooner, "later": later, "done": done}


def test_the_artist_page_shows_live_now_then_coming_up_then_recent(client, marta, shows):
    page = client.get(marta.get_absolute_url()).content.decode()

    titles = ["Fado at dusk", "Tonight in Alfama", "Tomorrow by the river", "Last week&#x27;s set"]
    live, sooner, later, done = (page.index(title) for title in titles)
    assert "Live now" in page and page.index("Live now") < live
    assert live < sooner < later < done
    assert f'href="{shows["live"].get_absolute_url()}"' in page
    assert "Rained off" not in page and "Taken down" not in page


def test_an_artist_with_no_shows_says_so(client, marta):
    page = client.get(marta.get_absolute_url()).content.decode()
    assert "No shows planned" in page


def test_the_artist_api_lists_live_coming_and_recent_shows(api, marta, shows):
    data = api.get(reverse("api:artist-detail", args=[marta.slug])).json()

    assert [s["title"] for s in data["shows"]["live"]] == ["Fado at dusk"]
    assert [s["title"] for s in data["shows"]["upcoming"]] == ["Tonight in Alfama", "Tomorrow by the river"]
    assert [s["title"] for s in data["shows"]["recent"]] == ["Last week's set"]
    assert data["shows"]["live"][0]["url"] == shows["live"].get_absolute_url()


def test_the_artist_list_stays_without_shows(api, marta, shows):
    data = api.get(reverse("api:artist-list")).json()
    assert "shows" not in data["results"][0]
