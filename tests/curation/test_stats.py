"""Artists' and performances' daily stats: exactly what the raw events of each site-time day give."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import Follow
from apps.curation.models import ArtistDay, PerformanceDay
from apps.curation.stats import aggregate_days, area_totals, artist_stats
from apps.media.models import Play
from apps.performances.models import Like, View
from apps.tips.models import Tip, TipStatus
from apps.venues.models import EntryStatus, Guest, QueueEntry, Vote
from tests.factories import (
    AreaFactory,
    ArtistProfileFactory,
    EventFactory,
    PerformanceFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
D3, D4 = date(2025, 7, 3), date(2025, 7, 4)


@pytest.fixture(autouse=True)
def _site_in_lisbon(settings):
    # An hour ahead of UTC in summer: 00:30 in Lisbon is still the day before in UTC.
    settings.TIME_ZONE = "Europe/Lisbon"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 7, day, hour, minute, tzinfo=LISBON)


def view(performance, visitor: str, at: datetime) -> View:  # noqa: ANN001
    row = View.objects.create(performance=performance, visitor=visitor, hour=at.replace(minute=0))
    # created_at is auto_now_add: the time can only be set afterwards.
    View.objects.filter(pk=row.pk).update(created_at=at)
    return row


def like(performance, at: datetime) -> Like:  # noqa: ANN001
    row = Like.objects.create(user=UserFactory(), performance=performance)
    Like.objects.filter(pk=row.pk).update(created_at=at)
    return row


def play(track, at: datetime) -> Play:  # noqa: ANN001
    return Play.objects.create(track=track, listener=uuid.uuid4().hex, created_at=at)


def vote(track, at: datetime) -> Vote:  # noqa: ANN001
    event = EventFactory(tracks=[track])
    guest = Guest.objects.create(event=event)
    entry = QueueEntry.objects.create(event=event, track=track, status=EntryStatus.PLAYED)
    return Vote.objects.create(entry=entry, guest=guest, event=event, track=track, created_at=at)


def tip(
    artist, amount: int, at: datetime | None, *, performance=None, status=TipStatus.SUCCEEDED, refunded=0
):  # noqa: ANN001, ANN201
    return Tip.objects.create(
        artist=artist,
        performance=performance,
        payer_key="anonymous:fan",
        idempotency_key=uuid.uuid4().hex,
        amount=amount,
        amount_refunded=refunded,
        currency="eur",
        status=status,
        succeeded_at=at,
    )


def follow(artist, at: datetime) -> Follow:  # noqa: ANN001
    row = Follow.objects.create(fan=UserFactory(), artist=artist)
    Follow.objects.filter(pk=row.pk).update(created_at=at)
    return row


def artist_days() -> dict:
    return {
        (row.pop("artist_id"), row.pop("date")): row
        for row in ArtistDay.objects.values(
            "artist_id",
            "date",
            "views",
            "unique_viewers",
            "likes",
            "plays",
            "votes",
            "tips",
            "tips_amount",
            "new_followers",
        )
    }


def performance_days() -> dict:
    return {
        (row.pop("performance_id"), row.pop("date")): row
        for row in PerformanceDay.objects.values(
            "performance_id", "date", "views", "unique_viewers", "likes", "tips", "tips_amount"
        )
    }


def counts(**kwargs: int) -> dict[str, int]:
    names = ("views", "unique_viewers", "likes", "plays", "votes", "tips", "tips_amount", "new_followers")
    return {name: kwargs.get(name, 0) for name in names}


def performance_counts(**kwargs: int) -> dict[str, int]:
    return {name: kwargs.get(name, 0) for name in ("views", "unique_viewers", "likes", "tips", "tips_amount")}


@pytest.fixture
def world():
    """Two artists' events on 3 and 4 July, many of them either side of midnight in Lisbon."""
    ana, ben = ArtistProfileFactory(), ArtistProfileFactory()
    p1, p2 = PerformanceFactory(artist=ana), PerformanceFactory(artist=ana)
    track = TrackFactory(artist=ana)
    rows = {
        # 23:30 and 00:30 Lisbon are 22:30 and 23:30 UTC on the 3rd: two local days.
        "late_view": view(p1, "v1", local(3, 23, 30)),
        "after_midnight_view": view(p1, "v1", local(4, 0, 30)),
        "morning_view": view(p1, "v1", local(4, 9)),
        "v2_on_p1": view(p1, "v2", local(4, 10)),
        # The same visitor on another of the artist's sets: another view, not another viewer.
        "v2_on_p2": view(p2, "v2", local(4, 11)),
        "like": like(p1, local(4, 0, 10)),
        "late_play_1": play(track, local(3, 23, 59)),
        "late_play_2": play(track, local(3, 23, 59)),
        "early_play": play(track, local(4, 0, 1)),
        "vote": vote(track, local(4, 12)),
        "tip_for_p1": tip(ana, 500, local(4, 0, 15), performance=p1),
        "tip_on_the_3rd": tip(ana, 300, local(3, 20)),
        "partly_refunded": tip(ana, 700, local(4, 14), performance=p1, refunded=200),
        "refunded": tip(ana, 1000, local(4, 13), status=TipStatus.REFUNDED, refunded=1000),
        "pending": tip(ana, 2000, None, status=TipStatus.PENDING),
        "failed": tip(ana, 900, None, status=TipStatus.FAILED),
        "follow": follow(ana, local(4, 0, 5)),
        "ben_follow": follow(ben, local(3, 18)),
        # Outside the days aggregated: 2 July in Lisbon (and in UTC), 5 July in Lisbon.
        "before": view(p1, "v9", local(2, 23, 0)),
        "after": play(track, local(5, 0, 30)),
    }
    return {"ana": ana, "ben": ben, "p1": p1, "p2": p2, "track": track, **rows}


def test_days_add_up_to_the_raw_events_of_each_local_day(world):
    ana, ben, p1, p2 = world["ana"], world["ben"], world["p1"], world["p2"]

    written = aggregate_days(D3, D4)

    assert artist_days() == {
        (ana.pk, D3): counts(views=1, unique_viewers=1, plays=2, tips=1, tips_amount=300),
        (ana.pk, D4): counts(
            views=4,
            unique_viewers=2,
            likes=1,
            plays=1,
            votes=1,
            tips=2,
            tips_amount=500 + 500,
            new_followers=1,
        ),
        (ben.pk, D3): counts(new_followers=1),
    }
    assert performance_days() == {
        (p1.pk, D3): performance_counts(views=1, unique_viewers=1),
        (p1.pk, D4): performance_counts(views=3, unique_viewers=2, likes=1, tips=2, tips_amount=1000),
        (p2.pk, D4): performance_counts(views=1, unique_viewers=1),
    }
    assert written == 3 + 3


def test_running_twice_changes_nothing(world):
    aggregate_days(D3, D4)
    first = (list(ArtistDay.objects.values()), list(PerformanceDay.objects.values()))

    aggregate_days(D3, D4)

    assert (list(ArtistDay.objects.values()), list(PerformanceDay.objects.values())) == first


def test_a_removed_event_is_taken_out_on_the_next_run(world):
    ana, ben, p1 = world["ana"], world["ben"], world["p1"]
    aggregate_days(D3, D4)

    world["like"].delete()
    world["morning_view"].delete()
    world["v2_on_p1"].delete()
    world["ben_follow"].delete()
    aggregate_days(D3, D4)

    days = artist_days()
    assert days[ana.pk, D4]["likes"] == 0
    assert days[ana.pk, D4]["views"] == 2
    assert days[ana.pk, D4]["unique_viewers"] == 2
    perf = performance_days()
    assert perf[p1.pk, D4] == performance_counts(views=1, unique_viewers=1, tips=2, tips_amount=1000)
    # Nothing left of Ben's day: no row, as if it had never been counted.
    assert (ben.pk, D3) not in days


def test_a_performance_day_whose_events_all_went_is_removed(world):
    aggregate_days(D3, D4)

    world["v2_on_p2"].delete()
    aggregate_days(D3, D4)

    assert (world["p2"].pk, D4) not in performance_days()


def test_a_refund_after_the_first_run_takes_the_tip_out(world):
    aggregate_days(D3, D4)

    Tip.objects.filter(pk=world["tip_for_p1"].pk).update(status=TipStatus.REFUNDED, amount_refunded=500)
    aggregate_days(D3, D4)

    assert artist_days()[world["ana"].pk, D4]["tips"] == 1
    assert artist_days()[world["ana"].pk, D4]["tips_amount"] == 500


def test_only_succeeded_tips_count_on_the_day_they_succeeded(world):
    ana = world["ana"]
    # Created on the 1st, paid on the 3rd: the payment's day is the one that counts.
    late = tip(ana, 400, local(3, 21))
    Tip.objects.filter(pk=late.pk).update(created_at=local(1, 10))

    aggregate_days(D3, D4)

    day3, day4 = artist_days()[ana.pk, D3], artist_days()[ana.pk, D4]
    assert (day3["tips"], day3["tips_amount"]) == (2, 300 + 400)
    # The refunded, pending and failed tips are in neither day.
    assert (day4["tips"], day4["tips_amount"]) == (2, 500 + 500)


def test_days_outside_the_range_are_left_alone(world):
    ana = world["ana"]
    aggregate_days(date(2025, 7, 2), date(2025, 7, 5))
    assert artist_days()[ana.pk, date(2025, 7, 2)]["views"] == 1
    assert artist_days()[ana.pk, date(2025, 7, 5)]["plays"] == 1

    world["before"].delete()
    world["after"].delete()
    aggregate_days(D3, D4)

    # Only the days asked for are recomputed: the 2nd and 5th keep what they had.
    assert artist_days()[ana.pk, date(2025, 7, 2)]["views"] == 1
    assert artist_days()[ana.pk, date(2025, 7, 5)]["plays"] == 1


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        aggregate_days(D4, D3)


def test_artist_stats_fill_the_quiet_days_with_zeros(world):
    ana = world["ana"]
    aggregate_days(D3, D4)

    days = artist_stats(ana, date(2025, 7, 1), date(2025, 7, 5))

    assert [day.date for day in days] == [date(2025, 7, n) for n in range(1, 6)]
    assert [day.views for day in days] == [0, 0, 1, 4, 0]
    assert [day.pk is None for day in days] == [True, True, False, False, True]


def test_area_totals_sum_engagement_per_home_area_without_money(world):
    ana, ben = world["ana"], world["ben"]
    ana.home_area = AreaFactory(name="Alfama")
    ana.save(update_fields=["home_area"])
    aggregate_days(D3, D4)

    rows = area_totals(D3, D4)

    assert rows[0] == {
        "area": ana.home_area_id,
        "area_name": "Alfama",
        "city": "Lisbon",
        "artists": 1,
        "views": 5,
        "plays": 3,
        "likes": 1,
        "votes": 1,
        "new_followers": 1,
        "tips": 3,
    }
    assert rows[1]["area"] is None
    assert rows[1]["new_followers"] == 1
    assert ben.home_area_id is None
    assert all("tips_amount" not in row for row in rows)
