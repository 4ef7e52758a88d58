"""A play counts once a listener passes 30 s, at most once per listener and track per 10 minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.media.models import Play
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def play(client, track, seconds: float = 31):  # noqa: ANN001, ANN201
    return client.post(f"/api/v1/tracks/{track.pk}/plays/", {"listened_seconds": seconds}, format="json")


def test_a_play_counts_after_30_seconds_and_not_again_within_10_minutes(api_as):
    track = TrackFactory(duration=180)
    fan = api_as(UserFactory())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        first = play(fan, track)
        assert first.status_code == 201
        assert first.json() == {"counted": True, "play_count": 1}
        clock.shift(timedelta(minutes=9))
        again = play(fan, track)
        assert again.status_code == 200
        assert again.json() == {"counted": False, "play_count": 1}
        clock.shift(timedelta(minutes=1, seconds=1))
        assert play(fan, track).json() == {"counted": True, "play_count": 2}
    assert Play.objects.filter(track=track).count() == 2


def test_listening_less_than_30_seconds_is_refused_naming_the_field(api_as):
    track = TrackFactory(duration=180)
    response = play(api_as(UserFactory()), track, seconds=29)
    assert response.status_code == 400
    assert "30 seconds" in response.json()["errors"]["listened_seconds"][0]
    assert not Play.objects.exists()


def test_a_short_track_counts_near_its_end(api_as):
    track = TrackFactory(duration=12)
    assert play(api_as(UserFactory()), track, seconds=11).status_code == 201


def test_different_listeners_each_count(api_as, api):
    track = TrackFactory()
    play(api_as(UserFactory()), track)
    play(api_as(UserFactory()), track)
    play(api, track)
    track.refresh_from_db()
    assert track.play_count == 3
    assert Play.objects.filter(user__isnull=True).count() == 1


def test_hidden_or_unprocessed_tracks_cannot_be_played(api_as):
    hidden = TrackFactory(hidden=True)
    processing = TrackFactory(status="processing")
    fan = api_as(UserFactory())
    assert play(fan, hidden).status_code == 404
    assert play(fan, processing).status_code == 404
    assert not Play.objects.exists()


@pytest.mark.parametrize("value", ["abc", -1, None, "NaN"])
def test_bad_listening_times_are_refused(api_as, value):
    track = TrackFactory()
    response = play(api_as(UserFactory()), track, seconds=value)
    assert response.status_code == 400
    assert "listened_seconds" in response.json()["errors"]
