"""What a supporter's month of plays, likes, votes and views is worth to each artist."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.media.models import Play
from apps.performances.models import Like, View
from apps.tips.engagement import EngagementLine, supporter_engagement
from apps.tips.split import split_net
from apps.venues.models import EntryStatus, Guest, QueueEntry, Vote
from tests.factories import ArtistProfileFactory, EventFactory, PerformanceFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
JULY = date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _site_in_lisbon(settings):
    # Lisbon is an hour ahead of UTC in summer, so local and UTC days and months differ.
    settings.TIME_ZONE = "Europe/Lisbon"
    settings.SUPPORTER_ENGAGEMENT_WEIGHTS = {"play": 1, "like": 3, "vote": 2, "view": 1}
    settings.SUPPORTER_DAILY_CAP_PER_ARTIST = 200


def local(day: int, hour: int = 12, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=LISBON)


def play(user, artist, at: datetime, times: int = 1, track=None) -> None:  # noqa: ANN001
    track = track or TrackFactory(artist=artist)
    listener = str(user.pk) if user else "anonymous-hash"
    for _ in range(times):
        Play.objects.create(track=track, user=user, listener=listener, created_at=at)


def like(user, artist, at: datetime, times: int = 1) -> None:  # noqa: ANN001
    # One like per performance, so each like is of a performance of its own.
    for _ in range(times):
        row = Like.objects.create(user=user, performance=PerformanceFactory(artist=artist))
        # created_at is auto_now_add: the time can only be set afterwards.
        Like.objects.filter(pk=row.pk).update(created_at=at)


def view(user, artist, at: datetime, times: int = 1) -> None:  # noqa: ANN001
    performance = PerformanceFactory(artist=artist)
    for _ in range(times):
        row = View.objects.create(
            performance=performance, user=user, visitor=uuid.uuid4().hex, hour=at.replace(minute=0)
        )
        View.objects.filter(pk=row.pk).update(created_at=at)


def vote(user, artist, at: datetime, times: int = 1) -> None:  # noqa: ANN001
    # A guest votes once per queue entry: each vote is at an event of its own.
    track = TrackFactory(artist=artist)
    for _ in range(times):
        event = EventFactory(tracks=[track])
        guest = Guest.objects.create(event=event, user=user)
        entry = QueueEntry.objects.create(event=event, track=track, status=EntryStatus.PLAYED)
        Vote.objects.create(entry=entry, guest=guest, event=event, track=track, user=user, created_at=at)


@pytest.fixture
def supporter():
    return UserFactory(display_name="Sue")


@pytest.fixture
def artists():
    # Made in order, so the first has the lowest id.
    return [ArtistProfileFactory() for _ in range(3)]


def test_each_kind_is_counted_and_weighted(supporter, artists):
    x, y = artists[:2]
    play(supporter, x, local(3), times=2)
    like(supporter, x, local(4))
    vote(supporter, x, local(5), times=2)
    view(supporter, x, local(6), times=3)
    view(supporter, y, local(7))

    assert supporter_engagement(supporter, JULY) == {
        x.pk: EngagementLine(plays=2, likes=1, votes=2, views=3, weighted=2 * 1 + 1 * 3 + 2 * 2 + 3 * 1),
        y.pk: EngagementLine(views=1, weighted=1),
    }


def test_the_weights_come_from_the_settings(supporter, artists, settings):
    settings.SUPPORTER_ENGAGEMENT_WEIGHTS = {"play": 5, "like": 0, "vote": 1, "view": 2}
    x = artists[0]
    play(supporter, x, local(3))
    like(supporter, x, local(3))
    view(supporter, x, local(3))

    assert supporter_engagement(supporter, JULY)[x.pk].weighted == 5 + 0 + 2


def test_only_the_month_in_local_time_counts(supporter, artists):
    x = artists[0]
    play(supporter, x, local(30, 23, 30, month=6))  # June
    play(supporter, x, local(1, 0, 30), times=2)  # 23:30 UTC on 30 June, but July in Lisbon
    play(supporter, x, local(31, 23, 30), times=4)  # July
    play(supporter, x, local(1, 0, 30, month=8), times=8)  # 23:30 UTC on 31 July, but August

    assert supporter_engagement(supporter, date(2025, 6, 1))[x.pk].plays == 1
    assert supporter_engagement(supporter, JULY)[x.pk].plays == 2 + 4
    assert supporter_engagement(supporter, date(2025, 8, 1))[x.pk].plays == 8


def test_a_period_starts_on_the_first_of_a_month(supporter):
    with pytest.raises(ValueError):
        supporter_engagement(supporter, date(2025, 7, 2))


def test_other_users_and_anonymous_engagement_is_not_the_supporters(supporter, artists):
    x = artists[0]
    someone_else = UserFactory()
    play(supporter, x, local(3))
    play(someone_else, x, local(3), times=5)
    like(someone_else, x, local(3))
    vote(someone_else, x, local(3))
    view(someone_else, x, local(3))
    play(None, x, local(3), times=5)
    view(None, x, local(3), times=5)
    vote(None, x, local(3))

    assert supporter_engagement(supporter, JULY) == {x.pk: EngagementLine(plays=1, weighted=1)}
    assert supporter_engagement(UserFactory(), JULY) == {}


def test_the_daily_cap_applies_per_artist_per_local_day(supporter, artists, settings):
    settings.SUPPORTER_DAILY_CAP_PER_ARTIST = 5
    x, y = artists[:2]
    # 3 kinds on one day add up before the cap: 4 + 3 + 2 = 9, capped at 5.
    play(supporter, x, local(3), times=4)
    like(supporter, x, local(3, 20))
    vote(supporter, x, local(3, 21))
    # 23:30 and 00:30 in Lisbon are one UTC day (22:30, 23:30) but two local days.
    play(supporter, x, local(10, 23, 30), times=5)
    play(supporter, x, local(11, 0, 30), times=5)
    # Another artist has a cap of their own on the same day.
    play(supporter, y, local(3), times=6)

    engagement = supporter_engagement(supporter, JULY)

    assert engagement[x.pk] == EngagementLine(plays=14, likes=1, votes=1, weighted=5 + 5 + 5)
    assert engagement[y.pk] == EngagementLine(plays=6, weighted=5)


def test_an_artist_does_not_earn_from_their_own_engagement(alice, bob):
    play(alice, alice.artist_profile, local(3), times=3)
    like(alice, alice.artist_profile, local(3))
    vote(alice, alice.artist_profile, local(3))
    view(alice, alice.artist_profile, local(3))
    play(alice, bob.artist_profile, local(3))

    assert supporter_engagement(alice, JULY) == {bob.artist_profile.pk: EngagementLine(plays=1, weighted=1)}


def test_hidden_content_still_counts(supporter, artists):
    x = artists[0]
    play(supporter, x, local(3), track=TrackFactory(artist=x, hidden=True))

    assert supporter_engagement(supporter, JULY)[x.pk].plays == 1


def test_one_supporter_costs_one_query_per_kind(supporter, artists, django_assert_num_queries):
    for artist in artists:
        play(supporter, artist, local(3))
        like(supporter, artist, local(4))
        vote(supporter, artist, local(5))
        view(supporter, artist, local(6))

    with django_assert_num_queries(4):
        supporter_engagement(supporter, JULY)


def test_the_worked_example_from_real_rows_splits_134_133_133(supporter, artists):
    x, y, z = artists
    play(supporter, x, local(3), times=4)
    like(supporter, x, local(3))
    play(supporter, y, local(4), times=5)
    vote(supporter, y, local(4))
    view(supporter, z, local(5), times=7)

    engagement = supporter_engagement(supporter, JULY)

    assert {artist: line.weighted for artist, line in engagement.items()} == {x.pk: 7, y.pk: 7, z.pk: 7}
    shares = split_net(400, {artist: line.weighted for artist, line in engagement.items()})
    assert shares == {x.pk: 134, y.pk: 133, z.pk: 133}
