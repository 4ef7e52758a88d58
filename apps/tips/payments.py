"""Card payments through Stripe: the few calls tips and supporters make, and what they read back.

Only parameters every Stripe-compatible server accepts are sent, so the same code runs
against Stripe and against the local test server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import stripe
from django.conf import settings


class PaymentsUnavailable(Exception):
    """Stripe could not be reached or refused the request; the message is safe to show."""


class CardRefused(Exception):
    """Stripe would not use the card the browser sent; the message is safe to show."""


def secret_key() -> str:
    return settings.STRIPE_LIVE_SECRET_KEY if settings.STRIPE_LIVE_MODE else settings.STRIPE_TEST_SECRET_KEY


def payments_configured() -> bool:
    """Card payments need both keys: the server's secret one and the browser's publishable one."""
    return bool(secret_key() and settings.STRIPE_PUBLISHABLE_KEY)


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    if not payments_configured():
        raise PaymentsUnavailable("Card payments are not set up on this site.")
    try:
        return method(*args, api_key=secret_key(), **kwargs)
    except stripe.StripeError as error:
        message = getattr(error, "user_message", None) or "The payment service is unavailable right now."
        raise PaymentsUnavailable(message) from error


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    status: str


@dataclass(frozen=True)
class PaymentState:
    """What Stripe says about one PaymentIntent right now."""

    id: str
    status: str
    amount: int
    currency: str
    metadata: dict[str, str]
    failure_message: str = ""
    refunds: tuple[Refund, ...] = field(default_factory=tuple)

    @property
    def amount_refunded(self) -> int:
        return sum(refund.amount for refund in self.refunds if refund.status == "succeeded")


def create_payment_intent(
    *, amount: int, currency: str, idempotency_key: str, metadata: dict[str, str]
) -> tuple[str, str]:
    """A card PaymentIntent; returns its id and the client secret the browser confirms with."""
    intent = _call(
        stripe.PaymentIntent.create,
        amount=amount,
        currency=currency,
        payment_method_types=["card"],
        metadata=metadata,
        idempotency_key=idempotency_key,
    )
    return intent["id"], intent["client_secret"]


@dataclass(frozen=True)
class Confirmation:
    """What the browser does next: wait (``succeeded``/``processing``), authenticate, or try another card."""

    status: str
    failure_message: str = ""


def confirm_payment_intent(payment_intent_id: str, *, payment_method: str) -> Confirmation:
    """Attach the card the browser tokenised and confirm; a declined card is an answer, not an outage."""
    _card_call(stripe.PaymentIntent.modify, payment_intent_id, payment_method=payment_method)
    try:
        intent = _call(stripe.PaymentIntent.confirm, payment_intent_id)
    except PaymentsUnavailable as error:
        if isinstance(error.__cause__, stripe.CardError):
            return Confirmation("requires_payment_method", str(error))
        raise
    return Confirmation(intent["status"])


def _card_call(method: Any, *args: Any, **kwargs: Any) -> Any:
    """A call that passes on a payment method from the browser: a bad one is the card's fault."""
    try:
        return _call(method, *args, **kwargs)
    except PaymentsUnavailable as error:
        if isinstance(error.__cause__, stripe.CardError):
            raise CardRefused(str(error)) from error
        if isinstance(error.__cause__, stripe.InvalidRequestError):
            raise CardRefused("That card could not be used. Check it and try again.") from error
        raise


def fetch_payment_state(payment_intent_id: str) -> PaymentState:
    intent = _call(stripe.PaymentIntent.retrieve, payment_intent_id)
    refunds: tuple[Refund, ...] = ()
    if intent.get("latest_charge"):
        listed = _call(stripe.Refund.list, payment_intent=payment_intent_id, limit=100)
        refunds = tuple(Refund(r["id"], int(r["amount"]), r["status"]) for r in listed.auto_paging_iter())
    error = intent.get("last_payment_error") or {}
    return PaymentState(
        id=intent["id"],
        status=intent["status"],
        amount=int(intent["amount"]),
        currency=intent["currency"],
        metadata=dict(intent.get("metadata") or {}),
        failure_message=(error.get("message") or "")[:255],
        refunds=refunds,
    )


# --- supporter subscriptions -----------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionState:
    id: str
    status: str
    cancel_at_period_end: bool
    current_period_end: int | None
    client_secret: str
    latest_invoice: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class InvoiceState:
    id: str
    status: str
    subscription: str
    customer: str
    amount_paid: int
    currency: str
    paid_at: int | None


def supporter_plan_id() -> str:
    return f"encore-supporter-{settings.SUPPORTER_MONTHLY_FEE}-{settings.TIPS_CURRENCY}-monthly"


def ensure_supporter_plan() -> str:
    """The monthly plan for the supporter fee, made on first use; its id names its price."""
    plan_id = supporter_plan_id()
    try:
        stripe.Plan.retrieve(plan_id, api_key=secret_key())
    except stripe.InvalidRequestError:
        _call(
            stripe.Plan.create,
            id=plan_id,
            amount=settings.SUPPORTER_MONTHLY_FEE,
            currency=settings.TIPS_CURRENCY,
            interval="month",
            product={"name": "Encore supporter"},
        )
    except stripe.StripeError as error:
        raise PaymentsUnavailable("The payment service is unavailable right now.") from error
    return plan_id


def create_customer(*, email: str, user_id: int, idempotency_key: str) -> str:
    customer = _call(
        stripe.Customer.create, email=email, metadata={"user": str(user_id)}, idempotency_key=idempotency_key
    )
    return customer["id"]


def save_card(customer_id: str, payment_method: str) -> None:
    """Keep the card on the customer and bill the subscription to it."""
    _card_call(stripe.PaymentMethod.attach, payment_method, customer=customer_id)
    _card_call(
        stripe.Customer.modify, customer_id, invoice_settings={"default_payment_method": payment_method}
    )


def _subscription_state(subscription: Any) -> SubscriptionState:
    secret, invoice_id, failure = "", "", ""
    invoice = subscription.get("latest_invoice")
    if isinstance(invoice, str):
        invoice_id = invoice
    if isinstance(invoice, dict | stripe.StripeObject):
        invoice_id = invoice.get("id") or ""
        intent = invoice.get("payment_intent")
        if isinstance(intent, dict | stripe.StripeObject):
            secret = intent.get("client_secret") or ""
            failure = ((intent.get("last_payment_error") or {}).get("message") or "")[:255]
    period_end = subscription.get("current_period_end")
    return SubscriptionState(
        id=subscription["id"],
        status=subscription["status"],
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        current_period_end=int(period_end) if period_end else None,
        client_secret=secret,
        latest_invoice=invoice_id,
        failure_message=failure,
    )


def create_subscription(*, customer_id: str, user_id: int, idempotency_key: str) -> SubscriptionState:
    """A monthly supporter subscription, charged at once to the customer's card."""
    subscription = _call(
        stripe.Subscription.create,
        customer=customer_id,
        items=[{"plan": ensure_supporter_plan()}],
        payment_behavior="allow_incomplete",
        metadata={"user": str(user_id)},
        expand=["latest_invoice.payment_intent"],
        idempotency_key=idempotency_key,
    )
    return _subscription_state(subscription)


def cancel_subscription(subscription_id: str) -> SubscriptionState:
    """Stop renewing; the month already paid for runs to its end."""
    return _subscription_state(_call(stripe.Subscription.modify, subscription_id, cancel_at_period_end=True))


def resume_subscription(subscription_id: str) -> SubscriptionState:
    return _subscription_state(_call(stripe.Subscription.modify, subscription_id, cancel_at_period_end=False))


def cancel_subscription_now(subscription_id: str) -> SubscriptionState:
    """An unpaid first month has nothing to run out: cancel at once."""
    return _subscription_state(_call(stripe.Subscription.cancel, subscription_id))


def fetch_subscription(subscription_id: str) -> SubscriptionState:
    return _subscription_state(
        _call(stripe.Subscription.retrieve, subscription_id, expand=["latest_invoice.payment_intent"])
    )


def fetch_invoice(invoice_id: str) -> InvoiceState:
    invoice = _call(stripe.Invoice.retrieve, invoice_id)
    subscription = invoice.get("subscription") or ""
    parent = invoice.get("parent") or {}
    if not subscription and parent.get("subscription_details"):
        subscription = parent["subscription_details"].get("subscription") or ""
    transitions = invoice.get("status_transitions") or {}
    return InvoiceState(
        id=invoice["id"],
        status=invoice["status"],
        subscription=subscription if isinstance(subscription, str) else subscription["id"],
        customer=invoice["customer"] if isinstance(invoice["customer"], str) else invoice["customer"]["id"],
        amount_paid=int(invoice.get("amount_paid") or 0),
        currency=invoice["currency"],
        paid_at=transitions.get("paid_at"),
    )
