"""Stripe Connect for artist payouts: Express accounts, onboarding links and transfers.

Only this module talks to Stripe about connected accounts. It knows nothing of the tips
ledger: callers pass plain values in and get Stripe ids or statuses back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import stripe
from django.conf import settings

from apps.accounts.models import PayoutStatus


class StripeUnavailable(Exception):
    """Stripe refused a request or could not be reached; the message is safe to log."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        # Stripe's error code (e.g. "balance_insufficient"), so callers can tell a
        # refusal they can act on from an outage.
        self.code = code


def _secret_key() -> str:
    if settings.STRIPE_LIVE_MODE:
        return settings.STRIPE_LIVE_SECRET_KEY
    return settings.STRIPE_TEST_SECRET_KEY


def stripe_configured() -> bool:
    return bool(_secret_key())


def _client() -> stripe.StripeClient:
    key = _secret_key()
    if not key:
        raise StripeUnavailable("Stripe is not configured: no secret key is set.")
    # A StripeClient ignores the SDK's globals unless handed them. Passing them on keeps
    # one place to point Stripe at a local server or plug in a recorded HTTP client,
    # shared with dj-stripe and the rest of the site.
    stripe.ensure_default_http_client()
    return stripe.StripeClient(
        key,
        base_addresses={"api": stripe.api_base},
        http_client=stripe.default_http_client,
        max_network_retries=stripe.max_network_retries,
    )


@contextmanager
def _stripe_errors(action: str) -> Iterator[None]:
    try:
        yield
    except stripe.APIConnectionError as exc:
        raise StripeUnavailable(f"Could not reach Stripe to {action}.") from exc
    except stripe.StripeError as exc:
        reason = exc.user_message or "no reason given"
        raise StripeUnavailable(f"Stripe could not {action}: {reason}", code=exc.code) from exc


def _require_idempotency_key(idempotency_key: str) -> None:
    # An empty key would make the SDK invent a random one per attempt, so a retried
    # call could create a second account or pay an artist twice.
    if not idempotency_key:
        raise ValueError("An idempotency key is required")


def create_express_account(
    *,
    email: str,
    metadata: Mapping[str, str | int],
    idempotency_key: str,
    country: str | None = None,
) -> str:
    """Create an Express account for an artist and return its id (acct_…)."""
    _require_idempotency_key(idempotency_key)
    params: dict[str, Any] = {
        "type": "express",
        "email": email,
        # Artists are paid by transfers from the platform; Express accounts need
        # card_payments alongside transfers under the full service agreement.
        "capabilities": {
            "card_payments": {"requested": True},
            "transfers": {"requested": True},
        },
        "metadata": {key: str(value) for key, value in metadata.items()},
    }
    # Without a country Stripe opens the account in the platform's own country.
    country = country or getattr(settings, "STRIPE_CONNECT_COUNTRY", "")
    if country:
        params["country"] = country.upper()
    with _stripe_errors("create the payout account"):
        account = _client().v1.accounts.create(params=params, options={"idempotency_key": idempotency_key})
    return account.id


def create_onboarding_link(account_id: str, *, refresh_url: str, return_url: str) -> str:
    """Return a single-use Stripe URL where the artist finishes onboarding."""
    with _stripe_errors("start payout onboarding"):
        link = _client().v1.account_links.create(
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    return link.url


def payout_status_from_account(account: Mapping[str, Any] | stripe.StripeObject) -> str:
    """PayoutStatus for a Stripe account object, e.g. from an `account.updated` webhook."""
    if isinstance(account, stripe.StripeObject):
        account = account.to_dict()
    # Restricted or under review still means "onboarding" to the artist: they can be
    # paid out only once Stripe has their details and has enabled both flags.
    flags = ("details_submitted", "charges_enabled", "payouts_enabled")
    if all(account.get(flag) is True for flag in flags):
        return PayoutStatus.ACTIVE
    return PayoutStatus.PENDING


def account_payout_status(account_id: str) -> str:
    with _stripe_errors("check the payout account"):
        account = _client().v1.accounts.retrieve(account_id)
    return payout_status_from_account(account)


def create_transfer(
    *,
    amount: int,
    currency: str,
    destination: str,
    idempotency_key: str,
    metadata: Mapping[str, str | int],
) -> str:
    """Move `amount` minor units from the platform balance to a connected account."""
    # bool is an int to Python, and a float would be rounded by the form encoding.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"Transfer amounts are integer minor units, not {amount!r}")
    if amount <= 0:
        raise ValueError(f"Transfer amounts must be positive, not {amount}")
    _require_idempotency_key(idempotency_key)
    with _stripe_errors("send the payout"):
        transfer = _client().v1.transfers.create(
            params={
                "amount": amount,
                "currency": currency.lower(),
                "destination": destination,
                "metadata": {key: str(value) for key, value in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
    return transfer.id
