"""Tips, supporter money and payouts: every rule about money lives here.

A tip's final state comes only from Stripe, read back when a verified webhook says
something changed; the ledger books each movement once, under its own key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import stripe
import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import ArtistProfile, NotificationKind, User
from apps.accounts.models import PayoutStatus as ArtistPayoutStatus
from apps.accounts.services import notify
from apps.core.errors import Conflict
from apps.performances.models import Performance

from . import connect, events, ledger, payments
from .engagement import supporter_engagement
from .models import (
    EntryKind,
    LedgerEntry,
    Payout,
    PayoutStatus,
    Supporter,
    SupporterAllocation,
    SupporterPayment,
    SupporterShare,
    SupporterStatus,
    Tip,
    TipStatus,
)
from .money import format_money, platform_share, processor_fee
from .periods import month_bounds, month_of, next_month
from .querysets import CARDS, PAYOUTS, PLATFORM, PROCESSOR, artist_account, supporter_account
from .split import split_net

log = structlog.get_logger(__name__)

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


# --- tips ---------------------------------------------------------------------------


def tips_available() -> bool:
    return payments.payments_configured()


def payer_key(user: User | None, session_key: str | None) -> str:
    """Who is paying, for idempotency: the account, or the anonymous browser session."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if session_key:
        digest = hmac.new(settings.SECRET_KEY.encode(), session_key.encode(), hashlib.sha256).hexdigest()
        return f"session:{digest[:40]}"
    return "anonymous"


def check_tip_amount(amount: object) -> int:
    if type(amount) is not int:
        raise ValidationError({"amount": "Give the amount in cents, as a whole number."})
    low, high = settings.TIP_MIN_AMOUNT, settings.TIP_MAX_AMOUNT
    if not low <= amount <= high:
        raise ValidationError({"amount": f"A tip is from {format_money(low)} to {format_money(high)}."})
    return amount


def start_tip(
    artist: ArtistProfile,
    *,
    amount: int,
    idempotency_key: str,
    payer: User | None,
    payer_key: str,
    performance: Performance | None = None,
    message: str = "",
) -> Tip:
    """Create the tip for this key (or find it) and its PaymentIntent; safe to repeat and to race."""
    check_tip_amount(amount)
    if not IDEMPOTENCY_KEY_RE.match(idempotency_key or ""):
        raise ValidationError(
            {
                "idempotency_key": (
                    "Send an Idempotency-Key of 16 to 100 letters, digits, - or _ (a UUID works)."
                )
            }
        )
    if performance is not None and performance.artist_id != artist.pk:
        raise ValidationError({"performance": "That performance is by another artist."})
    if payer is not None and payer.pk == artist.user_id:
        raise ValidationError({"artist": "You cannot tip yourself."})
    if not tips_available():
        raise payments.PaymentsUnavailable("Tipping is not available on this site right now.")

    payer = payer if payer is not None and payer.is_authenticated else None
    fields = {
        "artist": artist,
        "performance": performance,
        "payer": payer,
        "amount": amount,
        "currency": settings.TIPS_CURRENCY,
        "message": message.strip()[:140],
    }
    try:
        with transaction.atomic():
            tip = Tip.objects.create(payer_key=payer_key, idempotency_key=idempotency_key, **fields)
            created = True
    except IntegrityError:
        tip = Tip.objects.get(payer_key=payer_key, idempotency_key=idempotency_key)
        created = False
    if (
        tip.artist_id != artist.pk
        or tip.amount != amount
        or tip.performance_id != (performance and performance.pk)
    ):
        raise Conflict(
            "This Idempotency-Key was already used for a different tip; send a new key.",
            code="idempotency_key_reused",
            field="idempotency_key",
        )

    with transaction.atomic():
        # One PaymentIntent per tip: requests racing on one key queue here and find it made.
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if not tip.payment_intent_id:
            intent_id, client_secret = payments.create_payment_intent(
                amount=tip.amount,
                currency=tip.currency,
                idempotency_key=f"tip:{tip.payer_key}:{tip.idempotency_key}",
                metadata={"tip": str(tip.public_id), "artist": artist.slug},
            )
            tip.payment_intent_id, tip.client_secret = intent_id, client_secret
            tip.save(update_fields=["payment_intent_id", "client_secret", "updated_at"])
    # Tells the caller whether this request made the tip or repeated an earlier one.
    tip.just_created = created
    return tip


PAYMENT_METHOD_RE = re.compile(r"^(pm|card|src)_[A-Za-z0-9_]{4,100}$")


def confirm_tip(tip: Tip, *, payment_method: str) -> payments.Confirmation:
    """Pay a started tip with the card the browser tokenised; its state still waits for the webhook."""
    if not PAYMENT_METHOD_RE.match(payment_method or ""):
        raise ValidationError({"payment_method": "Send the card's payment method id from Stripe.js."})
    if tip.status not in {TipStatus.PENDING, TipStatus.FAILED} or not tip.payment_intent_id:
        raise Conflict("This tip is not waiting for a card.", code="tip_not_pending", field="payment_method")
    try:
        return payments.confirm_payment_intent(tip.payment_intent_id, payment_method=payment_method)
    except payments.CardRefused as error:
        raise ValidationError({"payment_method": str(error)}) from error


def sync_tip(payment_intent_id: str) -> Tip | None:
    """Bring a tip to Stripe's current state of its PaymentIntent; returns None for other payments."""
    if not Tip.objects.filter(payment_intent_id=payment_intent_id).exists():
        return None
    state = payments.fetch_payment_state(payment_intent_id)
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(payment_intent_id=payment_intent_id)
        return apply_payment_state(tip, state)


def apply_payment_state(tip: Tip, state: payments.PaymentState) -> Tip:
    """Book what the state shows and derive the status from the ledger, so it never goes backwards.

    States read at different moments may arrive in any order; entries are only ever added.
    """
    artist = artist_account(tip.artist_id)
    refs = {"artist_id": tip.artist_id, "tip": tip, "currency": tip.currency}
    newly_paid = False
    if state.status == "succeeded" or state.refunds:
        paid_before = LedgerEntry.objects.filter(key=f"tip:{tip.pk}:paid").exists()
        ledger.post(
            key=f"tip:{tip.pk}:paid",
            kind=EntryKind.TIP,
            debit=CARDS,
            credit=artist,
            amount=tip.amount,
            **refs,
        )
        ledger.post(
            key=f"tip:{tip.pk}:fee",
            kind=EntryKind.TIP_FEE,
            debit=artist,
            credit=PROCESSOR,
            amount=processor_fee(tip.amount),
            **refs,
        )
        newly_paid = not paid_before
    for refund in state.refunds:
        if refund.status == "succeeded" and refund.amount > 0:
            ledger.post(
                key=f"tip:{tip.pk}:refund:{refund.id}",
                kind=EntryKind.TIP_REFUND,
                debit=artist,
                credit=CARDS,
                amount=refund.amount,
                **refs,
            )

    booked = tip.ledger_entries.all()
    refunded = sum(entry.amount for entry in booked if entry.kind == EntryKind.TIP_REFUND)
    paid = any(entry.kind == EntryKind.TIP for entry in booked)
    if paid:
        status = TipStatus.REFUNDED if refunded >= tip.amount else TipStatus.SUCCEEDED
    elif state.status == "canceled" or state.failure_message:
        status = TipStatus.FAILED
    else:
        status = TipStatus.PENDING
    tip.status = status
    tip.amount_refunded = min(refunded, tip.amount)
    tip.failure_message = "" if paid else state.failure_message
    if paid and tip.succeeded_at is None:
        tip.succeeded_at = timezone.now()
    tip.save(update_fields=["status", "amount_refunded", "failure_message", "succeeded_at", "updated_at"])
    if newly_paid:
        _announce_tip(tip)
    log.info("tip.synced", tip=tip.pk, status=tip.status, stripe_status=state.status)
    return tip


def _announce_tip(tip: Tip) -> None:
    amount = format_money(tip.amount, tip.currency)
    who = tip.payer.public_name if tip.payer else "Someone"
    where = f" at {tip.performance.title}" if tip.performance else ""
    notify(
        tip.artist.user,
        kind=NotificationKind.TIP_RECEIVED,
        text=f"You got a {amount} tip{where}! {who} sent it.",
        url="/me/revenue/",
        actor=tip.payer,
        data={"tip": str(tip.public_id), "amount": tip.amount, "currency": tip.currency},
    )
    if tip.performance_id:
        events.performance_tipped(tip)


# --- supporters ---------------------------------------------------------------------


def become_supporter(user: User, *, payment_method: str = "") -> Supporter:
    """Subscribe with the card the browser tokenised (or resume a cancelled subscription).

    The first month is charged at once. A card that asks for authentication leaves the
    subscription incomplete with a client secret for Stripe.js; a declined card is a
    ValidationError naming ``payment_method``, and a new card starts over.
    """
    if not tips_available():
        raise payments.PaymentsUnavailable("Supporting is not available on this site right now.")
    with transaction.atomic():
        supporter, _ = Supporter.objects.select_for_update().get_or_create(user=user)
        if supporter.is_supporting and not supporter.cancel_at_period_end:
            raise Conflict("You are already a supporter.", code="already_supporting")
        if supporter.is_supporting:
            _apply_subscription_state(supporter, payments.resume_subscription(supporter.subscription_id))
            supporter.save()
            return supporter
        if not PAYMENT_METHOD_RE.match(payment_method or ""):
            raise ValidationError({"payment_method": "Enter your card to pay the first month."})
        if supporter.status == SupporterStatus.INCOMPLETE and supporter.subscription_id:
            # An earlier attempt's card was declined or never authenticated: it is replaced.
            payments.cancel_subscription_now(supporter.subscription_id)
        if not supporter.customer_id:
            supporter.customer_id = payments.create_customer(
                email=user.email, user_id=user.pk, idempotency_key=f"supporter-customer:{user.pk}"
            )
            supporter.save(update_fields=["customer_id", "updated_at"])
        try:
            payments.save_card(supporter.customer_id, payment_method)
        except payments.CardRefused as error:
            refused = str(error)
        else:
            refused = ""
            state = payments.create_subscription(
                customer_id=supporter.customer_id,
                user_id=user.pk,
                idempotency_key=f"supporter-subscription:{user.pk}:{payment_method}",
            )
            _apply_subscription_state(supporter, state)
            supporter.save()
    if refused:
        # Raised once the customer is stored, so the next card does not make another.
        raise ValidationError({"payment_method": refused})
    if state.latest_invoice:
        sync_supporter_invoice(state.latest_invoice)
        supporter.refresh_from_db()
    if supporter.status == SupporterStatus.INCOMPLETE and state.failure_message:
        raise ValidationError({"payment_method": state.failure_message})
    return supporter


def refresh_supporter(user: User) -> Supporter | None:
    """Mirror the subscription and book its latest invoice if paid: what the webhooks do, on demand."""
    supporter = Supporter.objects.filter(user=user).exclude(subscription_id="").first()
    if supporter is None:
        return None
    state = payments.fetch_subscription(supporter.subscription_id)
    if state.latest_invoice:
        sync_supporter_invoice(state.latest_invoice)
    return sync_supporter(supporter.subscription_id)


def stop_supporting(user: User) -> Supporter:
    """Cancel at the end of the paid month; nothing already paid is taken back."""
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update().filter(user=user).first()
        if supporter is None or not supporter.subscription_id or supporter.status == SupporterStatus.CANCELED:
            raise Conflict("You are not a supporter.", code="not_supporting")
        if supporter.status == SupporterStatus.INCOMPLETE:
            state = payments.cancel_subscription_now(supporter.subscription_id)
        else:
            state = payments.cancel_subscription(supporter.subscription_id)
        _apply_subscription_state(supporter, state)
        supporter.save()
    return supporter


SUBSCRIPTION_STATUSES = {
    "active": SupporterStatus.ACTIVE,
    "trialing": SupporterStatus.ACTIVE,
    "past_due": SupporterStatus.PAST_DUE,
    "unpaid": SupporterStatus.PAST_DUE,
    "incomplete": SupporterStatus.INCOMPLETE,
    "canceled": SupporterStatus.CANCELED,
    "incomplete_expired": SupporterStatus.CANCELED,
}


def _apply_subscription_state(supporter: Supporter, state: payments.SubscriptionState) -> None:
    supporter.subscription_id = state.id
    supporter.status = SUBSCRIPTION_STATUSES.get(state.status, SupporterStatus.INCOMPLETE)
    supporter.cancel_at_period_end = state.cancel_at_period_end
    supporter.current_period_end = (
        datetime.fromtimestamp(state.current_period_end, tz=UTC) if state.current_period_end else None
    )
    supporter.client_secret = state.client_secret if supporter.status == SupporterStatus.INCOMPLETE else ""


def sync_supporter(subscription_id: str) -> Supporter | None:
    """Mirror Stripe's current state of a supporter subscription; None for other subscriptions."""
    if not Supporter.objects.filter(subscription_id=subscription_id).exists():
        return None
    state = payments.fetch_subscription(subscription_id)
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update().get(subscription_id=subscription_id)
        _apply_subscription_state(supporter, state)
        supporter.save()
    return supporter


def sync_supporter_invoice(invoice_id: str) -> SupporterPayment | None:
    """A supporter invoice changed: when Stripe says it is paid, book the payment once."""
    invoice = payments.fetch_invoice(invoice_id)
    supporter = Supporter.objects.filter(subscription_id=invoice.subscription).select_related("user").first()
    if supporter is None or invoice.status != "paid" or invoice.amount_paid <= 0:
        return None
    paid_at = datetime.fromtimestamp(invoice.paid_at, tz=UTC) if invoice.paid_at else timezone.now()
    with transaction.atomic():
        payment = record_supporter_payment(
            supporter.user,
            invoice_id=invoice.id,
            amount=invoice.amount_paid,
            currency=invoice.currency,
            paid_at=paid_at,
        )
    sync_supporter(invoice.subscription)
    return payment


def record_supporter_payment(
    user: User, *, invoice_id: str, amount: int, currency: str, paid_at: datetime
) -> SupporterPayment:
    """A paid supporter invoice: the fee comes in, the card fee and the platform's share go out."""
    payment, _ = SupporterPayment.objects.get_or_create(
        invoice_id=invoice_id,
        defaults={
            "supporter": user,
            "period": month_of(paid_at),
            "amount": amount,
            "processor_fee": processor_fee(amount),
            "platform_share": platform_share(amount),
            "currency": currency,
            "paid_at": paid_at,
        },
    )
    account = supporter_account(payment.supporter_id)
    refs = {
        "supporter_id": payment.supporter_id,
        "supporter_payment": payment,
        "currency": payment.currency,
        "period": payment.period,
    }
    ledger.post(
        key=f"invoice:{invoice_id}:paid",
        kind=EntryKind.SUPPORTER_PAYMENT,
        debit=CARDS,
        credit=account,
        amount=payment.amount,
        **refs,
    )
    if payment.processor_fee:
        ledger.post(
            key=f"invoice:{invoice_id}:fee",
            kind=EntryKind.SUPPORTER_FEE,
            debit=account,
            credit=PROCESSOR,
            amount=payment.processor_fee,
            **refs,
        )
    if payment.platform_share:
        ledger.post(
            key=f"invoice:{invoice_id}:platform",
            kind=EntryKind.PLATFORM_SHARE,
            debit=account,
            credit=PLATFORM,
            amount=payment.platform_share,
            **refs,
        )
    return payment


@dataclass(frozen=True)
class SplitRun:
    month: date
    supporters: int
    allocated: int
    rolled_over: int
    skipped: int


def split_supporter_money(month: date, *, now: datetime | None = None) -> SplitRun:
    """Share each supporter's net money for a finished month among the artists they engaged with.

    Safe to run again: a supporter's month is split once.
    """
    month = month.replace(day=1)
    if month_bounds(month)[1] > (now or timezone.now()):
        raise ValidationError({"month": "That month is not over yet; it is split once it has ended."})
    supporter_ids = (
        LedgerEntry.objects.filter(kind=EntryKind.SUPPORTER_PAYMENT, period__lte=month)
        .values_list("supporter_id", flat=True)
        .distinct()
        .order_by("supporter_id")
    )
    done = split = allocated = rolled = 0
    for user_id in supporter_ids:
        user = User.objects.get(pk=user_id)
        # Earlier months first: each month's available money includes what earlier ones left.
        first = LedgerEntry.objects.for_supporter(user_id).exclude(period=None).order_by("period").first()
        period = first.period if first else month
        while period < month:
            split_for_supporter(user, period)
            period = next_month(period)
        allocation = split_for_supporter(user, month)
        if allocation is None:
            done += 1
            continue
        split += 1
        allocated += allocation.allocated
        rolled += allocation.rolled_over
    log.info("supporters.split", month=month.isoformat(), split=split, skipped=done)
    return SplitRun(month=month, supporters=split, allocated=allocated, rolled_over=rolled, skipped=done)


def split_for_supporter(user: User, month: date) -> SupporterAllocation | None:
    """One supporter's month; None when it was split before."""
    with transaction.atomic():
        # The supporter's row lock serializes two runs of the same month.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if SupporterAllocation.objects.filter(supporter=user, period__gte=month).exists():
            # Split already, or a later month was: its money included this month's.
            return None
        account = supporter_account(user.pk)
        available = LedgerEntry.objects.filter(period__lte=month).balance(account)
        if available <= 0:
            return None
        lines = supporter_engagement(user, month)
        shares = split_net(available, {artist_id: line.weighted for artist_id, line in lines.items()})
        allocated = sum(shares.values())
        allocation = SupporterAllocation.objects.create(
            supporter=user,
            period=month,
            currency=settings.TIPS_CURRENCY,
            available=available,
            allocated=allocated,
            rolled_over=available - allocated,
        )
        for artist_id, amount in sorted(shares.items()):
            line = lines[artist_id]
            share = SupporterShare.objects.create(
                allocation=allocation,
                supporter=user,
                artist_id=artist_id,
                period=month,
                amount=amount,
                currency=allocation.currency,
                plays=line.plays,
                likes=line.likes,
                votes=line.votes,
                views=line.views,
                engagement=line.weighted,
            )
            if amount:
                ledger.post(
                    key=f"share:{month:%Y-%m}:{user.pk}:{artist_id}",
                    kind=EntryKind.SUPPORTER_SHARE,
                    debit=account,
                    credit=artist_account(artist_id),
                    amount=amount,
                    currency=allocation.currency,
                    period=month,
                    artist_id=artist_id,
                    supporter=user,
                    share=share,
                )
    return allocation


# --- artist payouts -------------------------------------------------------------------


def artist_balance(artist: ArtistProfile) -> int:
    return LedgerEntry.objects.balance(artist_account(artist.pk))


def start_payout_onboarding(artist: ArtistProfile, *, refresh_url: str, return_url: str) -> str:
    """The Stripe page where the artist sets up payouts; their Express account is made once."""
    with transaction.atomic():
        artist = ArtistProfile.objects.select_for_update().select_related("user").get(pk=artist.pk)
        if not artist.stripe_account_id:
            artist.stripe_account_id = connect.create_express_account(
                email=artist.user.email,
                metadata={"artist": artist.pk, "slug": artist.slug},
                idempotency_key=f"artist-account:{artist.pk}",
            )
            artist.payout_status = ArtistPayoutStatus.PENDING
            artist.save(update_fields=["stripe_account_id", "payout_status", "updated_at"])
    return connect.create_onboarding_link(
        artist.stripe_account_id, refresh_url=refresh_url, return_url=return_url
    )


def refresh_payout_status(artist: ArtistProfile) -> ArtistProfile:
    """Ask Stripe how onboarding went (the artist just came back from it)."""
    if not artist.stripe_account_id:
        return artist
    artist.payout_status = connect.account_payout_status(artist.stripe_account_id)
    artist.save(update_fields=["payout_status", "updated_at"])
    return artist


def apply_account_update(account: dict) -> ArtistProfile | None:
    """``account.updated``: a connected account's onboarding moved on."""
    artist = ArtistProfile.objects.filter(stripe_account_id=account.get("id") or "-").first()
    if artist is None:
        return None
    artist.payout_status = connect.payout_status_from_account(account)
    artist.save(update_fields=["payout_status", "updated_at"])
    return artist


def pay_out(artist: ArtistProfile) -> Payout:
    """Send the artist's whole balance to their connected account.

    The balance leaves the artist's account before Stripe is asked, so two payouts can
    never send the same money; a refused transfer books it back.
    """
    with transaction.atomic():
        artist = ArtistProfile.objects.select_for_update().get(pk=artist.pk)
        if artist.payout_status != ArtistPayoutStatus.ACTIVE or not artist.stripe_account_id:
            raise Conflict(
                "Connect a payout account before asking for a payout.", code="payouts_not_connected"
            )
        balance = artist_balance(artist)
        if balance < settings.PAYOUT_MINIMUM_AMOUNT:
            raise Conflict(
                f"Payouts start at {format_money(settings.PAYOUT_MINIMUM_AMOUNT)}; "
                f"your balance is {format_money(balance)}.",
                code="balance_too_low",
            )
        payout = Payout.objects.create(artist=artist, amount=balance, currency=settings.TIPS_CURRENCY)
        ledger.post(
            key=f"payout:{payout.pk}",
            kind=EntryKind.PAYOUT,
            debit=artist_account(artist.pk),
            credit=PAYOUTS,
            amount=balance,
            currency=payout.currency,
            artist=artist,
            payout=payout,
        )
    return send_payout(payout)


def send_payout(payout: Payout) -> Payout:
    """Ask Stripe for the transfer; the key makes a retry after an outage pay once."""
    artist = payout.artist
    try:
        transfer_id = connect.create_transfer(
            amount=payout.amount,
            currency=payout.currency,
            destination=artist.stripe_account_id,
            idempotency_key=f"payout:{payout.pk}",
            metadata={"payout": payout.pk, "artist": artist.pk},
        )
    except connect.StripeUnavailable as error:
        if isinstance(error.__cause__, stripe.APIConnectionError):
            # The transfer may or may not have happened: keep it pending and retry later.
            payout.failure_message = str(error)[:255]
            payout.save(update_fields=["failure_message"])
            raise
        with transaction.atomic():
            ledger.post(
                key=f"payout:{payout.pk}:returned",
                kind=EntryKind.PAYOUT_REVERSAL,
                debit=PAYOUTS,
                credit=artist_account(artist.pk),
                amount=payout.amount,
                currency=payout.currency,
                artist=artist,
                payout=payout,
            )
            payout.status = PayoutStatus.FAILED
            payout.failure_message = str(error)[:255]
            payout.save(update_fields=["status", "failure_message"])
        raise
    payout.transfer_id = transfer_id
    payout.status = PayoutStatus.PAID
    payout.failure_message = ""
    payout.save(update_fields=["transfer_id", "status", "failure_message"])
    return payout


def anonymous_supporter_name(user_id: int) -> str:
    """A stable label that tells an artist two shares came from one supporter, and nothing more."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"supporter:{user_id}".encode(), hashlib.sha256)
    return f"Supporter {digest.hexdigest()[:6].upper()}"


# --- statements -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    at: datetime
    kind: str
    label: str
    detail: str
    amount: int
    """Signed: money in is positive, money out negative."""
    reference: str


@dataclass(frozen=True)
class Statement:
    month: date
    currency: str
    opening_balance: int
    lines: list[StatementLine]
    closing_balance: int

    def total(self, *kinds: str) -> int:
        return sum(line.amount for line in self.lines if line.kind in kinds)


def artist_statement(artist: ArtistProfile, month: date) -> Statement:
    """Every cent that moved through the artist's balance in a month, and where it came from."""
    account = artist_account(artist.pk)
    start, _ = month_bounds(month)
    entries = LedgerEntry.objects.for_artist(artist.pk).select_related(
        "tip__payer", "tip__performance", "share", "payout"
    )
    in_month = entries.in_month(month)
    before = entries.filter(Q(period__lt=month) | Q(period__isnull=True, created_at__lt=start))
    opening = before.balance(account)
    lines = [_artist_line(entry, account) for entry in in_month.order_by("created_at", "id")]
    closing = opening + sum(line.amount for line in lines)
    return Statement(month, settings.TIPS_CURRENCY, opening, lines, closing)


def _artist_line(entry: LedgerEntry, account: str) -> StatementLine:
    sign = 1 if entry.credit == account else -1
    detail, reference = "", ""
    if entry.tip_id:
        tip = entry.tip
        who = tip.payer.public_name if tip.payer else "An anonymous visitor"
        detail = f"{who}{f' at {tip.performance.title}' if tip.performance else ''}"
        if tip.message and entry.kind == EntryKind.TIP:
            detail += f": “{tip.message}”"
        reference = f"tip {tip.public_id}"
    elif entry.share_id:
        share = entry.share
        detail = f"{anonymous_supporter_name(share.supporter_id)}: {engagement_summary(share)}"
        reference = f"supporter share {share.period:%Y-%m}"
    elif entry.payout_id:
        detail = f"Transfer {entry.payout.transfer_id}" if entry.payout.transfer_id else "Transfer"
        reference = f"payout {entry.payout_id}"
    return StatementLine(
        at=entry.created_at,
        kind=entry.kind,
        label=entry.get_kind_display(),
        detail=detail,
        amount=sign * entry.amount,
        reference=reference,
    )


def engagement_summary(share: SupporterShare) -> str:
    parts = [
        (share.plays, "play"),
        (share.likes, "like"),
        (share.votes, "vote"),
        (share.views, "view"),
    ]
    said = [f"{count} {word}{'s' if count != 1 else ''}" for count, word in parts if count]
    return f"{', '.join(said) or 'no engagement'} ({share.engagement} points)"
