"""What a visitor sees first: the home page's "Playing today" puts live shows first and the
rest in the order they start, and "For you" keeps a followed artist's live show after the fan
opened it (they may want to go back to it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.accounts.services import follow_artist
from apps.curation.discovery import for_you
from apps.performances import services
from apps.performances.models import View
from tests.factories import ArtistProfileFactory, UserFactory
from tests.performances.helpers import stop

pytestmark = pytest.mark.django_db


def _show(title: str, starts_in: int, lat: float) -> object:
    artist = ArtistProfileFactory()
    start = timezone.now() + timedelta(minutes=starts_in)
    return services.create_performance(
        artist, actor=artist.user, title=title, stops=[stop(start, 90, lat=lat, lng=-9.1394, place=title)]
    )


# Early afternoon in the city, so that every show of the test starts "today".
@time_machine.travel("2026-06-06 13:00:00+01:00", tick=False)
def test_playing_today_lists_live_shows_first_then_the_others_by_start(client, settings):
    settings.CITY_CENTRE = (38.7139, -9.1394)
    _show("Late and near", 240, 38.7140)
    _show("Soon and farther", 60, 38.7200)
    live = _show("Live and farthest", -10, 38.7300)
    services.go_live(live, actor=live.artist.user)

    page = client.get("/").content.decode()

    order = [page.index(title) for title in ("Live and farthest", "Soon and farther", "Late and near")]
    assert order == sorted(order)


def test_for_you_keeps_a_followed_artists_live_show_after_the_fan_opened_it():
    fan = UserFactory()
    live = _show("Fado at dusk", -10, 38.7140)
    services.go_live(live, actor=live.artist.user)
    follow_artist(live.artist, fan=fan)
    View.objects.create(performance=live, user=fan, visitor=f"u:{fan.pk}", hour=timezone.now())

    performances, _ = for_you(fan)

    assert [s.item.title for s in performances] == ["Fado at dusk"]


def test_for_you_still_leaves_out_a_show_to_come_the_fan_has_seen():
    fan = UserFactory()
    later = _show("Tomorrow's set", 60 * 20, 38.7140)
    follow_artist(later.artist, fan=fan)
    View.objects.create(performance=later, user=fan, visitor=f"u:{fan.pk}", hour=timezone.now())

    performances, _ = for_you(fan)

    assert performances == []
