"""While an artist is live, every Encore page they open keeps sharing their position."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from apps.accounts.models import User
from apps.performances import services
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db

PAGES = ["home", "map", "performance-dashboard", "media-dashboard", "notification-list"]


@pytest.fixture
def live(artist):
    return services.go_live(plan(artist, 0), actor=artist.user)


def sharing_of(page: str) -> str | None:
    """The position endpoint the page's sharing script would send to, if it has one."""
    marker = 'data-position-sharing="'
    if marker not in page or "js/share_position.js" not in page:
        return None
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_shares_the_position_of_an_artist_who_is_live(client_as, live, name):
    page = client_as(live.artist.user).get(reverse(name)).content.decode()
    assert sharing_of(page) == f"/api/v1/performances/{live.pk}/position/"


def test_the_page_tells_the_script_the_servers_interval(client_as, live, settings):
    settings.POSITION_INTERVAL_SECONDS = 7
    page = client_as(live.artist.user).get(reverse("map")).content.decode()
    assert 'data-interval-seconds="7"' in page


def test_no_sharing_for_an_artist_who_is_not_live(client_as, artist):
    performance = plan(artist, 0)
    client = client_as(artist.user)
    for name in PAGES:
        assert sharing_of(client.get(reverse(name)).content.decode()) is None, name
    services.go_live(performance, actor=artist.user)
    services.end_performance(performance, actor=artist.user)
    for name in PAGES:
        assert sharing_of(client.get(reverse(name)).content.decode()) is None, name


def test_no_sharing_for_a_fan_another_artist_or_a_visitor(client, client_as, live):
    assert sharing_of(client.get(reverse("map")).content.decode()) is None
    assert sharing_of(client_as(UserFactory()).get(reverse("map")).content.decode()) is None
    other = ArtistProfileFactory()
    assert sharing_of(client_as(other.user).get(reverse("map")).content.decode()) is None


def test_the_dashboard_says_sharing_needs_an_open_encore_page(client_as, live):
    page = client_as(live.artist.user).get(reverse("performance-dashboard")).content.decode()
    assert "Share my location" in page
    assert "only while an Encore page is open" in page


def test_the_check_costs_a_fan_nothing_and_a_live_artist_one_query(live, django_assert_num_queries):
    # The navigation has already loaded the user's artist profile (or its absence).
    tag = Template("{% load performances %}{% position_sharing %}")
    fan = User.objects.get(pk=UserFactory().pk)
    assert not hasattr(fan, "artist_profile")
    with django_assert_num_queries(0):
        assert "data-position-sharing" not in tag.render(Context({"user": fan}))
    artist = User.objects.get(pk=live.artist.user_id)
    assert artist.artist_profile
    with django_assert_num_queries(1):
        assert "data-position-sharing" in tag.render(Context({"user": artist}))
