from __future__ import annotations

import pytest
import stripe

from apps.tips import connect
from apps.tips.connect import StripeUnavailable
from tests import stripe_recorded
from tests.stripe_recorded import TEST_SECRET_KEY, load_recording

# Bound by assignment: an imported fixture trips ruff F811 in every test that takes it.
recorded_stripe = stripe_recorded.recorded_stripe

ACCOUNT_ID = "acct_1RkQ7yPx4TmC2wZn"
TRANSFER_ID = "tr_1RmZ3hLm8YvB6cQe0F9sKpWd"


def _transfer(**overrides):
    kwargs = {
        "amount": 4200,
        "currency": "eur",
        "destination": ACCOUNT_ID,
        "idempotency_key": "payout-17",
        "metadata": {"payout_id": 17},
    }
    return connect.create_transfer(**{**kwargs, **overrides})


def test_it_is_configured_only_with_a_secret_key(settings):
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = ""
    assert not connect.stripe_configured()

    settings.STRIPE_TEST_SECRET_KEY = TEST_SECRET_KEY
    assert connect.stripe_configured()


def test_it_uses_the_live_key_in_live_mode(settings):
    settings.STRIPE_TEST_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_LIVE_SECRET_KEY = ""
    settings.STRIPE_LIVE_MODE = True
    assert not connect.stripe_configured()

    settings.STRIPE_LIVE_SECRET_KEY = "sk_live_" + "L" * 24
    assert connect.stripe_configured()


def test_it_refuses_to_call_stripe_without_a_key(recorded_stripe, settings):
    settings.STRIPE_TEST_SECRET_KEY = ""

    with pytest.raises(StripeUnavailable, match="not configured"):
        connect.account_payout_status(ACCOUNT_ID)
    assert recorded_stripe.requests == []


def test_it_creates_an_express_account(recorded_stripe):
    recorded_stripe.answer("POST", "/v1/accounts", "account_created")

    account_id = connect.create_express_account(
        email="alice@example.com",
        metadata={"artist_profile_id": 1},
        idempotency_key="connect-artist-1",
    )

    assert account_id == ACCOUNT_ID
    (sent,) = recorded_stripe.requests
    assert sent.params["type"] == "express"
    assert sent.params["email"] == "alice@example.com"
    assert sent.params["metadata"] == {"artist_profile_id": "1"}
    assert sent.params["capabilities"]["transfers"] == {"requested": "true"}
    assert sent.idempotency_key == "connect-artist-1"
    assert sent.api_key == TEST_SECRET_KEY
    assert sent.headers["Stripe-Version"] == stripe.api_version
    assert sent.stripe_account is None


def test_it_leaves_the_country_to_stripe_unless_told(recorded_stripe):
    recorded_stripe.answer("POST", "/v1/accounts", "account_created")
    recorded_stripe.answer("POST", "/v1/accounts", "account_created", override={"country": "AT"})

    connect.create_express_account(email="a@example.com", metadata={}, idempotency_key="k1")
    connect.create_express_account(email="a@example.com", metadata={}, idempotency_key="k2", country="at")

    first, second = recorded_stripe.requests
    assert "country" not in first.params
    assert second.params["country"] == "AT"


def test_it_requires_an_idempotency_key_for_accounts(recorded_stripe):
    with pytest.raises(ValueError, match="idempotency key"):
        connect.create_express_account(email="a@example.com", metadata={}, idempotency_key="")
    assert recorded_stripe.requests == []


def test_it_creates_an_onboarding_link(recorded_stripe):
    recorded_stripe.answer("POST", "/v1/account_links", "account_link")

    url = connect.create_onboarding_link(
        ACCOUNT_ID,
        refresh_url="https://encore.example/tips/connect/refresh/",
        return_url="https://encore.example/tips/connect/return/",
    )

    assert url == load_recording("account_link")["url"]
    (sent,) = recorded_stripe.requests
    assert sent.params == {
        "account": ACCOUNT_ID,
        "refresh_url": "https://encore.example/tips/connect/refresh/",
        "return_url": "https://encore.example/tips/connect/return/",
        "type": "account_onboarding",
    }


def test_an_onboarded_account_is_active(recorded_stripe):
    recorded_stripe.answer("GET", f"/v1/accounts/{ACCOUNT_ID}", "account_onboarded")

    assert connect.account_payout_status(ACCOUNT_ID) == "active"
    (sent,) = recorded_stripe.requests
    assert sent.method == "GET"


def test_a_restricted_account_is_still_onboarding(recorded_stripe):
    recorded_stripe.answer("GET", f"/v1/accounts/{ACCOUNT_ID}", "account_restricted")

    assert connect.account_payout_status(ACCOUNT_ID) == "pending"


def test_an_account_under_review_is_still_onboarding(recorded_stripe):
    recorded_stripe.answer(
        "GET",
        f"/v1/accounts/{ACCOUNT_ID}",
        "account_onboarded",
        override={
            "payouts_enabled": False,
            "requirements": {"pending_verification": ["individual.verification.document"]},
        },
    )

    assert connect.account_payout_status(ACCOUNT_ID) == "pending"


@pytest.mark.parametrize(
    ("recording", "override", "status"),
    [
        ("account_onboarded", {}, "active"),
        ("account_created", {}, "pending"),
        ("account_restricted", {}, "pending"),
        ("account_onboarded", {"charges_enabled": False}, "pending"),
        ("account_onboarded", {"payouts_enabled": False}, "pending"),
        ("account_onboarded", {"details_submitted": False}, "pending"),
    ],
)
def test_payout_status_follows_the_account_flags(recording, override, status):
    # The same mapping serves `account.updated` webhooks, whose object is a plain dict.
    assert connect.payout_status_from_account(load_recording(recording, override)) == status


def test_payout_status_reads_a_flag_missing_from_the_payload_as_not_enabled():
    assert connect.payout_status_from_account({"id": ACCOUNT_ID}) == "pending"


def test_it_creates_a_transfer(recorded_stripe):
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    assert _transfer() == TRANSFER_ID
    (sent,) = recorded_stripe.requests
    assert sent.path == "/v1/transfers"
    assert sent.params == {
        "amount": "4200",
        "currency": "eur",
        "destination": ACCOUNT_ID,
        "metadata": {"payout_id": "17"},
    }
    assert sent.idempotency_key == "payout-17"


@pytest.mark.parametrize("amount", [0, -100, 42.0, "4200", True, None])
def test_a_bad_transfer_amount_never_reaches_stripe(recorded_stripe, amount):
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    with pytest.raises(ValueError, match="amount"):
        _transfer(amount=amount)
    assert recorded_stripe.requests == []


def test_it_requires_an_idempotency_key_for_transfers(recorded_stripe):
    with pytest.raises(ValueError, match="idempotency key"):
        _transfer(idempotency_key="")
    assert recorded_stripe.requests == []


def test_a_stripe_refusal_becomes_stripe_unavailable(recorded_stripe):
    recorded_stripe.answer("POST", "/v1/transfers", "error_balance_insufficient", status=400)

    with pytest.raises(StripeUnavailable) as refused:
        _transfer()

    assert str(refused.value).startswith(
        "Stripe could not send the payout: You have insufficient available funds"
    )
    assert refused.value.code == "balance_insufficient"
    assert isinstance(refused.value.__cause__, stripe.InvalidRequestError)


def test_a_stripe_outage_is_retried_with_the_same_idempotency_key(recorded_stripe):
    outage = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
    recorded_stripe.answer("POST", "/v1/transfers", "transfer", status=500, override=outage)
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    assert _transfer() == TRANSFER_ID
    first, retry = recorded_stripe.requests
    assert first.idempotency_key == retry.idempotency_key == "payout-17"


def test_an_unreachable_stripe_becomes_stripe_unavailable(recorded_stripe, monkeypatch):
    def refuse(*args, **kwargs):
        raise stripe.APIConnectionError("Connection refused")

    monkeypatch.setattr(recorded_stripe, "request", refuse)
    monkeypatch.setattr(stripe, "max_network_retries", 0)

    with pytest.raises(StripeUnavailable, match="Could not reach Stripe to check the payout"):
        connect.account_payout_status(ACCOUNT_ID)


def test_it_honours_the_global_api_base(recorded_stripe, monkeypatch):
    monkeypatch.setattr(stripe, "api_base", "http://127.0.0.1:12111")
    recorded_stripe.answer("GET", f"/v1/accounts/{ACCOUNT_ID}", "account_onboarded")

    connect.account_payout_status(ACCOUNT_ID)

    (sent,) = recorded_stripe.requests
    assert sent.url == f"http://127.0.0.1:12111/v1/accounts/{ACCOUNT_ID}"


def test_every_request_is_answered_in_process(recorded_stripe):
    recorded_stripe.answer("POST", "/v1/accounts", "account_created")
    recorded_stripe.answer("POST", "/v1/account_links", "account_link")
    recorded_stripe.answer("GET", f"/v1/accounts/{ACCOUNT_ID}", "account_onboarded")
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")

    account_id = connect.create_express_account(
        email="alice@example.com", metadata={}, idempotency_key="connect-artist-1"
    )
    connect.create_onboarding_link(account_id, refresh_url="http://x/r", return_url="http://x/d")
    connect.account_payout_status(account_id)
    _transfer(destination=account_id)

    assert [(r.method, r.path) for r in recorded_stripe.requests] == [
        ("POST", "/v1/accounts"),
        ("POST", "/v1/account_links"),
        ("GET", f"/v1/accounts/{ACCOUNT_ID}"),
        ("POST", "/v1/transfers"),
    ]
    assert all(r.url.startswith(stripe.api_base) for r in recorded_stripe.requests)
    assert recorded_stripe.pending == []


def test_an_unexpected_request_fails_loudly(recorded_stripe):
    with pytest.raises(AssertionError, match="Unexpected Stripe request GET /v1/accounts/"):
        connect.account_payout_status(ACCOUNT_ID)
    # Not a test failure here: the fixture would otherwise fail this test at teardown.
    recorded_stripe.unexpected.clear()
