"""What the tips app does with Stripe's webhooks, once dj-stripe has checked their signature.

Each handler reads the object's current state back from Stripe rather than trusting the
event's copy, so repeated and out-of-order deliveries all converge on Stripe's real state.
They run inside dj-stripe's transaction: if one fails, the delivery fails and Stripe retries.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from djstripe.signals import WEBHOOK_SIGNALS

from . import services

PAYMENT_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.processing",
    "charge.succeeded",
    "charge.failed",
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
)
INVOICE_EVENTS = ("invoice.paid", "invoice.payment_succeeded")
SUBSCRIPTION_EVENTS = (
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.payment_failed",
)


def _object(event: Any) -> dict[str, Any]:
    return (event.data or {}).get("object") or {}


def payment_intent_of(obj: dict[str, Any]) -> str:
    if obj.get("object") == "payment_intent":
        return obj.get("id") or ""
    intent = obj.get("payment_intent") or ""
    return intent if isinstance(intent, str) else intent.get("id", "")


@receiver([WEBHOOK_SIGNALS[name] for name in PAYMENT_EVENTS])
def payment_changed(sender: Any, event: Any, **kwargs: Any) -> None:
    intent = payment_intent_of(_object(event))
    if intent:
        services.sync_tip(intent)


@receiver([WEBHOOK_SIGNALS[name] for name in INVOICE_EVENTS])
def invoice_paid(sender: Any, event: Any, **kwargs: Any) -> None:
    invoice = _object(event).get("id")
    if invoice:
        services.sync_supporter_invoice(invoice)


@receiver([WEBHOOK_SIGNALS[name] for name in SUBSCRIPTION_EVENTS])
def subscription_changed(sender: Any, event: Any, **kwargs: Any) -> None:
    obj = _object(event)
    subscription = obj.get("id") if obj.get("object") == "subscription" else obj.get("subscription")
    if isinstance(subscription, str) and subscription:
        services.sync_supporter(subscription)


@receiver(WEBHOOK_SIGNALS["account.updated"])
def account_updated(sender: Any, event: Any, **kwargs: Any) -> None:
    obj = _object(event)
    if obj.get("object") == "account":
        services.apply_account_update(obj)
