"""The monthly supporter run: each supporter's net money, split among the artists they engaged with,
booked in the ledger once, however often the run is started."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from apps.media.models import Play, Track
from apps.performances.models import Like, View
from apps.tips import services, tasks
from apps.tips.models import EntryKind, LedgerEntry, SupporterAllocation, SupporterPayment, SupporterShare
from apps.tips.querysets import artist_account, supporter_account
from apps.tips.services import SplitRun
from apps.venues.models import EntryStatus, Guest, QueueEntry, Vote
from tests.factories import ArtistProfileFactory, EventFactory, PerformanceFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
JUNE, JULY, AUGUST = date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1)


@pytest.fixture(autouse=True)
def _money_settings(settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    settings.TIPS_CURRENCY = "eur"
    settings.SUPPORTER_ENGAGEMENT_WEIGHTS = {"play": 1, "like": 3, "vote": 2, "view": 1}
    # Low enough that heavy listening must be spread over days to count in full.
    settings.SUPPORTER_DAILY_CAP_PER_ARTIST = 20
    # A €5 fee: a card fee of 2% + 40 cents (50) and a 10% platform share (50) leave a net of 400.
    settings.STRIPE_FEE_BASIS_POINTS = 200
    settings.STRIPE_FEE_FIXED = 40
    settings.SUPPORTER_PLATFORM_SHARE_BASIS_POINTS = 1000


@pytest.fixture
def clock():
    """Early August 2025 in Lisbon: July is over, August is not."""
    with time_machine.travel(local(2, 10, month=8), tick=False) as traveller:
        yield traveller


def local(day: int, hour: int = 12, month: int = 7) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=LISBON)


def pay(user, month: date, amount: int = 500) -> SupporterPayment:  # noqa: ANN001
    return services.record_supporter_payment(
        user,
        invoice_id=f"in_{user.pk}_{month:%Y-%m}",
        amount=amount,
        currency="eur",
        paid_at=datetime(month.year, month.month, 1, 9, tzinfo=LISBON),
    )


def play(user, artist, at: datetime, times: int = 1) -> None:  # noqa: ANN001
    track = Track.objects.filter(artist=artist).first() or TrackFactory(artist=artist)
    Play.objects.bulk_create(
        Play(track=track, user=user, listener=f"u:{user.pk}", created_at=at) for _ in range(times)
    )


def like(user, artist, at: datetime) -> None:  # noqa: ANN001
    row = Like.objects.create(user=user, performance=PerformanceFactory(artist=artist))
    Like.objects.filter(pk=row.pk).update(created_at=at)


def view(user, artist, at: datetime, times: int = 1) -> None:  # noqa: ANN001
    performance = PerformanceFactory(artist=artist)
    for _ in range(times):
        row = View.objects.create(performance=performance, user=user, visitor=uuid.uuid4().hex, hour=at)
        View.objects.filter(pk=row.pk).update(created_at=at)


def vote(user, artist, at: datetime) -> None:  # noqa: ANN001
    track = TrackFactory(artist=artist)
    event = EventFactory(tracks=[track])
    guest = Guest.objects.create(event=event, user=user)
    entry = QueueEntry.objects.create(event=event, track=track, status=EntryStatus.PLAYED)
    Vote.objects.create(entry=entry, guest=guest, event=event, track=track, user=user, created_at=at)


def counts() -> tuple[int, int, int]:
    return SupporterAllocation.objects.count(), SupporterShare.objects.count(), LedgerEntry.objects.count()


def assert_reconciles(month: date) -> None:
    """Supporters keep exactly what rolled over; artists hold exactly the sum of their shares."""
    for allocation in SupporterAllocation.objects.filter(period=month):
        assert (
            LedgerEntry.objects.balance(supporter_account(allocation.supporter_id)) == allocation.rolled_over
        )
        assert allocation.available == allocation.allocated + allocation.rolled_over
        assert allocation.allocated == sum(allocation.shares.values_list("amount", flat=True))
    artist_ids = set(SupporterShare.objects.values_list("artist_id", flat=True))
    for artist_id in artist_ids:
        shares = SupporterShare.objects.filter(artist_id=artist_id).values_list("amount", flat=True)
        assert LedgerEntry.objects.balance(artist_account(artist_id)) == sum(shares)


@pytest.fixture
def worked_example():
    """Supporters A and B from the product's worked example, both paying €5 (net €4) for July."""
    # Made in this order, so X has the lowest id and gets the odd cent.
    x, y, z, w = (ArtistProfileFactory(stage_name=name) for name in ("X", "Y", "Z", "W"))
    a, b = UserFactory(display_name="A"), UserFactory(display_name="B")
    play(a, x, local(3), times=4)
    like(a, x, local(3))
    play(a, y, local(4), times=5)
    vote(a, y, local(4))
    view(a, z, local(5), times=7)
    for day in range(6, 11):  # 95 plays, 19 a day: under the daily cap of 20
        play(b, w, local(day), times=19)
    play(b, z, local(11), times=5)
    payments = [pay(a, JULY), pay(b, JULY)]
    return SimpleNamespace(x=x, y=y, z=z, w=w, a=a, b=b, payments=payments)


def test_the_worked_example_runs_from_payments_to_134_133_133_and_380_20(worked_example, clock):
    ex = worked_example
    assert [payment.net for payment in ex.payments] == [400, 400]

    run = services.split_supporter_money(JULY)

    assert run == SplitRun(month=JULY, supporters=2, allocated=800, rolled_over=0, skipped=0)
    shares = {
        (share.supporter_id, share.artist_id): share.amount
        for share in SupporterShare.objects.for_month(JULY)
    }
    assert shares == {
        (ex.a.pk, ex.x.pk): 134,
        (ex.a.pk, ex.y.pk): 133,
        (ex.a.pk, ex.z.pk): 133,
        (ex.b.pk, ex.w.pk): 380,
        (ex.b.pk, ex.z.pk): 20,
    }
    balances = {artist.stage_name: services.artist_balance(artist) for artist in (ex.x, ex.y, ex.z, ex.w)}
    assert balances == {"X": 134, "Y": 133, "Z": 133 + 20, "W": 380}
    assert_reconciles(JULY)


def test_each_share_is_one_ledger_entry_from_the_supporter_to_the_artist(worked_example, clock):
    services.split_supporter_money(JULY)

    shares = SupporterShare.objects.for_month(JULY)
    assert shares.count() == 5
    for share in shares:
        (entry,) = LedgerEntry.objects.filter(share=share)
        assert entry.kind == EntryKind.SUPPORTER_SHARE
        assert entry.debit == supporter_account(share.supporter_id)
        assert entry.credit == artist_account(share.artist_id)
        assert (entry.amount, entry.currency, entry.period) == (share.amount, "eur", JULY)
        assert entry.artist_id == share.artist_id
    assert LedgerEntry.objects.filter(kind=EntryKind.SUPPORTER_SHARE).count() == 5


def test_the_engagement_behind_each_share_is_kept_for_the_statement(worked_example, clock):
    ex = worked_example
    services.split_supporter_money(JULY)

    share = SupporterShare.objects.get(supporter=ex.a, artist=ex.y)
    assert (share.plays, share.likes, share.votes, share.views, share.engagement) == (5, 0, 1, 0, 7)


def test_running_the_month_again_changes_nothing(worked_example, clock):
    services.split_supporter_money(JULY)
    before = counts()
    balances = [services.artist_balance(artist) for artist in (worked_example.x, worked_example.w)]

    again = services.split_supporter_money(JULY)

    assert again == SplitRun(month=JULY, supporters=0, allocated=0, rolled_over=0, skipped=2)
    assert counts() == before
    assert [services.artist_balance(artist) for artist in (worked_example.x, worked_example.w)] == balances


def test_engagement_arriving_after_the_run_does_not_reopen_the_month(worked_example, clock):
    services.split_supporter_money(JULY)
    before = counts()
    play(worked_example.a, worked_example.w, local(20), times=10)

    services.split_supporter_money(JULY)

    assert counts() == before


def test_an_unfinished_month_is_refused(worked_example):
    # 23:30 on 31 July in Lisbon is already August in some places, but not here.
    with (
        time_machine.travel(local(31, 23).replace(minute=30), tick=False),
        pytest.raises(ValidationError, match="not over yet"),
    ):
        services.split_supporter_money(JULY)
    assert counts()[:2] == (0, 0)


def test_money_without_engagement_rolls_over_into_next_month(clock):
    x = ArtistProfileFactory()
    idle = UserFactory()
    pay(idle, JULY)

    july = services.split_supporter_money(JULY)

    assert july == SplitRun(month=JULY, supporters=1, allocated=0, rolled_over=400, skipped=0)
    allocation = SupporterAllocation.objects.get(supporter=idle, period=JULY)
    assert (allocation.available, allocation.allocated, allocation.rolled_over) == (400, 0, 400)
    assert not allocation.shares.exists()
    assert_reconciles(JULY)

    pay(idle, AUGUST)
    play(idle, x, local(12, month=8), times=3)
    clock.move_to(local(1, 10, month=9))
    services.split_supporter_money(AUGUST)

    august = SupporterAllocation.objects.get(supporter=idle, period=AUGUST)
    assert (august.available, august.allocated, august.rolled_over) == (800, 800, 0)
    assert services.artist_balance(x) == 800
    assert LedgerEntry.objects.balance(supporter_account(idle.pk)) == 0
    assert_reconciles(AUGUST)


def test_earlier_unsplit_months_are_split_first(clock):
    x, y = ArtistProfileFactory(), ArtistProfileFactory()
    fan = UserFactory()
    pay(fan, JUNE)
    play(fan, x, local(10, month=6))
    pay(fan, JULY)
    play(fan, y, local(10))

    run = services.split_supporter_money(JULY)

    june = SupporterAllocation.objects.get(supporter=fan, period=JUNE)
    july = SupporterAllocation.objects.get(supporter=fan, period=JULY)
    # June's money went to whom the fan heard in June; July's net alone was left for July.
    assert [(share.artist_id, share.amount) for share in june.shares.all()] == [(x.pk, 400)]
    assert [(share.artist_id, share.amount) for share in july.shares.all()] == [(y.pk, 400)]
    assert july.available == 400
    assert run == SplitRun(month=JULY, supporters=1, allocated=400, rolled_over=0, skipped=0)
    assert LedgerEntry.objects.balance(supporter_account(fan.pk)) == 0


def test_a_supporter_who_paid_nothing_is_not_split(clock):
    fan = UserFactory()
    play(fan, ArtistProfileFactory(), local(10))

    run = services.split_supporter_money(JULY)

    assert run.supporters == 0
    assert not SupporterAllocation.objects.exists()


# --- the scheduled task -----------------------------------------------------------------


def test_the_task_splits_the_month_that_just_ended_in_site_time(worked_example):
    # 00:30 on 1 August in Lisbon is still 31 July in UTC.
    with time_machine.travel(local(1, 0, month=8).replace(minute=30), tick=False):
        tasks.split_last_month()
        before = counts()
        tasks.split_last_month()

    assert set(SupporterAllocation.objects.values_list("period", flat=True)) == {JULY}
    assert counts() == before
    assert_reconciles(JULY)


# --- the command ------------------------------------------------------------------------


def command(*args: str) -> str:
    out = StringIO()
    call_command("split_supporter_money", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_what_the_run_did(worked_example, clock):
    printed = command("--month", "2025-07")

    assert "Split 2025-07 for 2 supporter(s): €8 shared among artists, €0 rolled over" in printed
    assert SupporterAllocation.objects.filter(period=JULY).count() == 2


def test_the_command_splits_last_month_by_default(worked_example, clock):
    assert "Split 2025-07" in command()


def test_the_command_run_twice_says_nothing_changed(worked_example, clock):
    command("--month", "2025-07")
    before = counts()

    printed = command("--month", "2025-07")

    assert printed.startswith("Nothing changed")
    assert counts() == before


@pytest.mark.parametrize("month", ["2025-13", "July", "2025-7", "1999-12"])
def test_the_command_refuses_a_month_it_cannot_read(month):
    with pytest.raises(CommandError, match="Give a month as YYYY-MM"):
        command("--month", month)


def test_the_command_refuses_an_unfinished_month(worked_example, clock):
    with pytest.raises(CommandError, match="not over yet"):
        command("--month", "2025-08")
    assert not SupporterAllocation.objects.exists()
