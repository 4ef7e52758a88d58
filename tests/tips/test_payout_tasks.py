"""Payouts: an artist's whole balance goes to their Stripe account once, or comes back to them.

Stripe's answers are recorded ones (tests/stripe_recorded.py); a request nobody expected fails.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import stripe
import time_machine

from apps.accounts.models import PayoutStatus as ArtistPayoutStatus
from apps.core.errors import Conflict
from apps.media.models import Play
from apps.tips import services, tasks
from apps.tips.connect import StripeUnavailable
from apps.tips.models import EntryKind, LedgerEntry, Payout, PayoutStatus
from apps.tips.querysets import PAYOUTS
from tests import stripe_recorded
from tests.concurrency import at_once
from tests.factories import ArtistProfileFactory, TrackFactory, UserFactory

# Bound by assignment: an imported fixture trips ruff F811 in every test that takes it.
recorded_stripe = stripe_recorded.recorded_stripe

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
JUNE = date(2025, 6, 1)
ACCOUNT_ID = "acct_1RkQ7yPx4TmC2wZn"
TRANSFER_ID = "tr_1RmZ3hLm8YvB6cQe0F9sKpWd"


@pytest.fixture(autouse=True)
def _money_settings(settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    settings.TIPS_CURRENCY = "eur"
    settings.PAYOUT_MINIMUM_AMOUNT = 500
    # No fees: what a supporter pays is exactly what the artist they listened to earns.
    settings.STRIPE_FEE_BASIS_POINTS = 0
    settings.STRIPE_FEE_FIXED = 0
    settings.SUPPORTER_PLATFORM_SHARE_BASIS_POINTS = 0


def connected_artist(**fields):  # noqa: ANN003, ANN201
    return ArtistProfileFactory(
        **{"payout_status": ArtistPayoutStatus.ACTIVE, "stripe_account_id": ACCOUNT_ID, **fields}
    )


def earn(artist, amount: int) -> None:  # noqa: ANN001
    """A supporter of their own pays `amount` for June, listens only to `artist`, and June is split."""
    fan = UserFactory()
    services.record_supporter_payment(
        fan,
        invoice_id=f"in_{fan.pk}_june",
        amount=amount,
        currency="eur",
        paid_at=datetime(2025, 6, 1, 9, tzinfo=LISBON),
    )
    Play.objects.create(
        track=TrackFactory(artist=artist),
        user=fan,
        listener=f"u:{fan.pk}",
        created_at=datetime(2025, 6, 12, 21, tzinfo=LISBON),
    )
    services.split_supporter_money(JUNE)


def refuse_connections(monkeypatch, recorded_stripe) -> None:  # noqa: ANN001
    def unreachable(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise stripe.APIConnectionError("Connection refused")

    monkeypatch.setattr(recorded_stripe, "request", unreachable)
    monkeypatch.setattr(stripe, "max_network_retries", 0)


def test_a_payout_moves_the_whole_balance_to_the_payouts_account(recorded_stripe):
    artist = connected_artist()
    earn(artist, 1234)
    recorded_stripe.answer("POST", "/v1/transfers", "transfer", override={"amount": 1234})

    payout = services.pay_out(artist)

    assert (payout.amount, payout.status, payout.transfer_id) == (1234, PayoutStatus.PAID, TRANSFER_ID)
    payout.refresh_from_db()
    assert payout.transfer_id == TRANSFER_ID
    assert services.artist_balance(artist) == 0
    assert LedgerEntry.objects.balance(PAYOUTS) == 1234
    (entry,) = payout.ledger_entries.all()
    assert (entry.kind, entry.amount, entry.artist_id) == (EntryKind.PAYOUT, 1234, artist.pk)
    (sent,) = recorded_stripe.requests
    assert sent.params["amount"] == "1234"
    assert sent.params["destination"] == ACCOUNT_ID
    assert sent.idempotency_key == f"payout:{payout.pk}"


def test_a_refused_transfer_books_the_money_back_and_fails_the_payout(recorded_stripe):
    artist = connected_artist()
    earn(artist, 1234)
    recorded_stripe.answer("POST", "/v1/transfers", "error_balance_insufficient", status=400)

    with pytest.raises(StripeUnavailable, match="insufficient available funds"):
        services.pay_out(artist)

    payout = Payout.objects.get(artist=artist)
    assert payout.status == PayoutStatus.FAILED
    assert "insufficient available funds" in payout.failure_message
    assert payout.transfer_id == ""
    assert services.artist_balance(artist) == 1234
    assert LedgerEntry.objects.balance(PAYOUTS) == 0
    assert [entry.kind for entry in payout.ledger_entries.order_by("id")] == [
        EntryKind.PAYOUT,
        EntryKind.PAYOUT_REVERSAL,
    ]


def test_a_balance_below_the_minimum_is_refused_and_nothing_is_booked(recorded_stripe):
    artist = connected_artist()
    earn(artist, 499)
    entries = LedgerEntry.objects.count()

    with pytest.raises(Conflict) as refused:
        services.pay_out(artist)

    assert refused.value.code == "balance_too_low"
    assert "€5" in refused.value.message and "€4.99" in refused.value.message
    assert not Payout.objects.exists()
    assert LedgerEntry.objects.count() == entries
    assert services.artist_balance(artist) == 499
    assert recorded_stripe.requests == []


@pytest.mark.parametrize(
    ("status", "account"),
    [
        (ArtistPayoutStatus.NOT_CONNECTED, ""),
        (ArtistPayoutStatus.PENDING, ACCOUNT_ID),
        (ArtistPayoutStatus.ACTIVE, ""),
    ],
)
def test_an_artist_without_a_connected_account_is_refused(recorded_stripe, status, account):
    artist = ArtistProfileFactory(payout_status=status, stripe_account_id=account)
    earn(artist, 5000)
    entries = LedgerEntry.objects.count()

    with pytest.raises(Conflict) as refused:
        services.pay_out(artist)

    assert refused.value.code == "payouts_not_connected"
    assert not Payout.objects.exists()
    assert LedgerEntry.objects.count() == entries
    assert recorded_stripe.requests == []


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_payouts_at_once_send_the_money_once(recorded_stripe):
    artist = connected_artist()
    earn(artist, 2000)
    # One answer: a second transfer request would fail the test.
    recorded_stripe.answer("POST", "/v1/transfers", "transfer", override={"amount": 2000})

    results = at_once([lambda: services.pay_out(artist) for _ in range(2)], errors_are_answers=True)

    paid = [r for r in results if isinstance(r, Payout)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(paid) == len(refused) == 1
    assert refused[0].code == "balance_too_low"
    assert Payout.objects.get().status == PayoutStatus.PAID
    assert len(recorded_stripe.requests) == 1
    assert services.artist_balance(artist) == 0
    assert LedgerEntry.objects.balance(PAYOUTS) == 2000


# --- the daily payout task ---------------------------------------------------------------


def test_the_task_pays_everyone_due_and_carries_on_past_a_refusal(recorded_stripe):
    # The task goes through artists by id, so the first one made meets the refusal.
    refused, first, second = connected_artist(), connected_artist(), connected_artist()
    unconnected = ArtistProfileFactory()
    too_little = connected_artist()
    for artist, amount in [
        (refused, 900),
        (first, 1500),
        (second, 500),
        (unconnected, 5000),
        (too_little, 499),
    ]:
        earn(artist, amount)
    recorded_stripe.answer("POST", "/v1/transfers", "error_balance_insufficient", status=400)
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    outcome = tasks.pay_out_balances()

    assert outcome == {"paid": 2, "skipped": 1}
    assert [r.params["amount"] for r in recorded_stripe.requests] == ["900", "1500", "500"]
    assert Payout.objects.get(artist=refused).status == PayoutStatus.FAILED
    assert services.artist_balance(refused) == 900
    assert [p.status for p in Payout.objects.filter(artist__in=[first, second])] == [PayoutStatus.PAID] * 2
    assert services.artist_balance(first) == services.artist_balance(second) == 0
    assert not Payout.objects.filter(artist__in=[unconnected, too_little]).exists()
    assert services.artist_balance(unconnected) == 5000
    assert services.artist_balance(too_little) == 499


def test_the_task_carries_on_past_an_unexpected_error(recorded_stripe, monkeypatch):
    broken, fine = connected_artist(), connected_artist()
    earn(broken, 700)
    earn(fine, 800)
    pay_out = services.pay_out

    def pay_out_or_crash(artist):  # noqa: ANN001, ANN202
        if artist.pk == broken.pk:
            raise RuntimeError("a bug")
        return pay_out(artist)

    monkeypatch.setattr(services, "pay_out", pay_out_or_crash)
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    assert tasks.pay_out_balances() == {"paid": 1, "skipped": 1}
    assert Payout.objects.get().artist_id == fine.pk


def test_the_task_run_twice_pays_once(recorded_stripe):
    artist = connected_artist()
    earn(artist, 1000)
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    assert tasks.pay_out_balances() == {"paid": 1, "skipped": 0}
    assert tasks.pay_out_balances() == {"paid": 0, "skipped": 0}
    assert Payout.objects.count() == 1
    assert len(recorded_stripe.requests) == 1


# --- retrying payouts a network error left pending ------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2025, 8, 5, 12, tzinfo=LISBON), tick=False) as traveller:
        yield traveller


@pytest.fixture
def cut_off_payout(recorded_stripe, monkeypatch, clock):
    """A payout whose transfer request never got an answer: it may or may not have happened."""
    artist = connected_artist()
    earn(artist, 1000)
    with monkeypatch.context() as patch:
        refuse_connections(patch, recorded_stripe)
        with pytest.raises(StripeUnavailable, match="Could not reach Stripe"):
            services.pay_out(artist)
    payout = Payout.objects.get(artist=artist)
    assert payout.status == PayoutStatus.PENDING
    assert services.artist_balance(artist) == 0
    recorded_stripe.requests.clear()
    return payout


def test_a_pending_payout_is_sent_again_after_ten_minutes_with_the_same_key(
    cut_off_payout, recorded_stripe, clock
):
    clock.shift(timedelta(minutes=9))
    assert tasks.retry_pending_payouts() == 0
    assert recorded_stripe.requests == []

    clock.shift(timedelta(minutes=2))
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")
    assert tasks.retry_pending_payouts() == 1

    cut_off_payout.refresh_from_db()
    assert (cut_off_payout.status, cut_off_payout.transfer_id) == (PayoutStatus.PAID, TRANSFER_ID)
    assert cut_off_payout.failure_message == ""
    (sent,) = recorded_stripe.requests
    assert sent.idempotency_key == f"payout:{cut_off_payout.pk}"
    assert tasks.retry_pending_payouts() == 0
    assert LedgerEntry.objects.balance(PAYOUTS) == 1000


def test_a_retry_refused_by_stripe_books_the_money_back(cut_off_payout, recorded_stripe, clock):
    clock.shift(timedelta(minutes=11))
    recorded_stripe.answer("POST", "/v1/transfers", "error_balance_insufficient", status=400)

    assert tasks.retry_pending_payouts() == 0

    cut_off_payout.refresh_from_db()
    assert cut_off_payout.status == PayoutStatus.FAILED
    assert services.artist_balance(cut_off_payout.artist) == 1000


def test_a_payout_pending_for_23_hours_is_left_for_a_person(cut_off_payout, recorded_stripe, clock):
    # Stripe forgets the idempotency key after 24 hours: asking again could pay twice.
    clock.shift(timedelta(hours=23, minutes=1))

    assert tasks.retry_pending_payouts() == 0

    assert recorded_stripe.requests == []
    cut_off_payout.refresh_from_db()
    assert cut_off_payout.status == PayoutStatus.PENDING
