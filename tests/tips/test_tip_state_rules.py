"""A tip's state follows Stripe's, booked once per movement, whatever order the news arrives in."""

from __future__ import annotations

import itertools

import pytest

from apps.accounts.models import Notification, NotificationKind
from apps.tips.models import EntryKind, LedgerEntry, Tip, TipStatus
from apps.tips.payments import PaymentState, Refund
from apps.tips.querysets import artist_account
from apps.tips.services import apply_payment_state
from tests.factories import ArtistProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip(settings):
    settings.STRIPE_FEE_BASIS_POINTS = 150
    settings.STRIPE_FEE_FIXED = 25
    artist = ArtistProfileFactory()
    return Tip.objects.create(
        artist=artist,
        payer_key="session:x",
        idempotency_key="k" * 20,
        amount=500,
        currency="eur",
        payment_intent_id="pi_123",
    )


def state(status: str, *refunds: Refund, failure: str = "") -> PaymentState:
    return PaymentState(
        id="pi_123",
        status=status,
        amount=500,
        currency="eur",
        metadata={},
        failure_message=failure,
        refunds=refunds,
    )


PENDING = state("requires_payment_method")
DECLINED = state("requires_payment_method", failure="Your card was declined.")
PAID = state("succeeded")
REFUNDED = state("succeeded", Refund("re_1", 500, "succeeded"))
PART_REFUNDED = state("succeeded", Refund("re_1", 200, "succeeded"))


def kinds(tip: Tip) -> list[str]:
    return sorted(LedgerEntry.objects.filter(tip=tip).values_list("kind", flat=True))


def test_a_paid_tip_books_the_tip_and_the_card_fee_and_tells_the_artist(tip):
    apply_payment_state(tip, PAID)
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert kinds(tip) == [EntryKind.TIP, EntryKind.TIP_FEE]
    assert LedgerEntry.objects.balance(artist_account(tip.artist_id)) == 500 - (8 + 25)
    note = Notification.objects.get(recipient=tip.artist.user)
    assert note.kind == NotificationKind.TIP_RECEIVED
    assert "€5" in note.text


def test_the_same_state_twice_books_nothing_more_and_notifies_once(tip):
    apply_payment_state(tip, PAID)
    apply_payment_state(tip, PAID)
    assert kinds(tip) == [EntryKind.TIP, EntryKind.TIP_FEE]
    assert Notification.objects.filter(recipient=tip.artist.user).count() == 1


def test_a_declined_card_fails_the_tip_and_books_nothing(tip):
    apply_payment_state(tip, DECLINED)
    tip.refresh_from_db()
    assert tip.status == TipStatus.FAILED
    assert tip.failure_message == "Your card was declined."
    assert kinds(tip) == []


def test_a_failed_tip_paid_on_a_second_card_succeeds(tip):
    apply_payment_state(tip, DECLINED)
    apply_payment_state(tip, PAID)
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert tip.failure_message == ""


@pytest.mark.parametrize(
    "sequence",
    list(itertools.permutations([PENDING, PAID, REFUNDED])),
    ids=lambda seq: "→".join(s.status + ("+refund" if s.refunds else "") for s in seq),
)
def test_every_order_of_the_same_news_ends_refunded_with_one_row_per_movement(tip, sequence):
    for news in sequence:
        apply_payment_state(tip, news)
    tip.refresh_from_db()
    assert tip.status == TipStatus.REFUNDED
    assert tip.amount_refunded == 500
    assert kinds(tip) == [EntryKind.TIP, EntryKind.TIP_FEE, EntryKind.TIP_REFUND]
    # The card fee is not returned on a refund: the artist is out of the fee only.
    assert LedgerEntry.objects.balance(artist_account(tip.artist_id)) == -33


def test_an_older_state_read_after_a_refund_never_undoes_it(tip):
    apply_payment_state(tip, REFUNDED)
    apply_payment_state(tip, PAID)
    apply_payment_state(tip, PENDING)
    tip.refresh_from_db()
    assert tip.status == TipStatus.REFUNDED


def test_a_partial_refund_keeps_the_tip_paid_and_books_the_refund(tip):
    apply_payment_state(tip, PART_REFUNDED)
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert tip.amount_refunded == 200
    assert LedgerEntry.objects.balance(artist_account(tip.artist_id)) == 500 - 33 - 200


def test_two_refunds_are_two_movements(tip):
    apply_payment_state(tip, state("succeeded", Refund("re_1", 200, "succeeded")))
    apply_payment_state(
        tip, state("succeeded", Refund("re_1", 200, "succeeded"), Refund("re_2", 300, "succeeded"))
    )
    tip.refresh_from_db()
    assert tip.status == TipStatus.REFUNDED
    assert LedgerEntry.objects.filter(tip=tip, kind=EntryKind.TIP_REFUND).count() == 2


def test_a_pending_refund_is_not_booked_until_it_succeeds(tip):
    apply_payment_state(tip, state("succeeded", Refund("re_1", 500, "pending")))
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert kinds(tip) == [EntryKind.TIP, EntryKind.TIP_FEE]
