"""Artists connect a Stripe Express account once; its status follows Stripe's word, never the form.

Stripe's answers are recorded ones (tests/stripe_recorded.py): localstripe has no Connect.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from apps.accounts.models import PayoutStatus
from apps.tips import services, webhooks
from tests import stripe_recorded
from tests.factories import ArtistProfileFactory

recorded_stripe = stripe_recorded.recorded_stripe

pytestmark = pytest.mark.django_db

ACCOUNT_ID = "acct_1RkQ7yPx4TmC2wZn"
URLS = {
    "refresh_url": "http://testserver/me/payouts/refresh/",
    "return_url": "http://testserver/me/payouts/return/",
}


def test_onboarding_makes_one_express_account_and_returns_stripes_link(recorded_stripe):
    artist = ArtistProfileFactory()
    recorded_stripe.answer("POST", "/v1/accounts", "account_created")
    recorded_stripe.answer("POST", "/v1/account_links", "account_link")
    recorded_stripe.answer("POST", "/v1/account_links", "account_link")

    first = services.start_payout_onboarding(artist, **URLS)
    again = services.start_payout_onboarding(artist, **URLS)

    artist.refresh_from_db()
    assert artist.stripe_account_id == ACCOUNT_ID
    assert artist.payout_status == PayoutStatus.PENDING
    assert first.startswith("https://connect.stripe.com/") and again == first
    created = [r for r in recorded_stripe.requests if r.path == "/v1/accounts"]
    assert len(created) == 1
    assert created[0].idempotency_key == f"artist-account:{artist.pk}"


def test_coming_back_from_onboarding_reads_the_status_from_stripe(recorded_stripe):
    artist = ArtistProfileFactory(stripe_account_id=ACCOUNT_ID, payout_status=PayoutStatus.PENDING)
    recorded_stripe.answer("GET", f"/v1/accounts/{ACCOUNT_ID}", "account_onboarded")

    services.refresh_payout_status(artist)

    artist.refresh_from_db()
    assert artist.payout_status == PayoutStatus.ACTIVE


def test_an_account_updated_webhook_moves_the_artists_status(db):
    artist = ArtistProfileFactory(stripe_account_id=ACCOUNT_ID, payout_status=PayoutStatus.ACTIVE)
    restricted = stripe_recorded.load_recording("account_restricted")
    event = SimpleNamespace(data={"object": {**restricted, "id": ACCOUNT_ID}})

    webhooks.account_updated(sender=None, event=event)

    artist.refresh_from_db()
    assert artist.payout_status == PayoutStatus.PENDING


def test_an_account_updated_webhook_for_an_unknown_account_changes_nothing(db):
    artist = ArtistProfileFactory(stripe_account_id=ACCOUNT_ID, payout_status=PayoutStatus.ACTIVE)
    event = SimpleNamespace(
        data={"object": {"object": "account", "id": "acct_someoneelse", "charges_enabled": False}}
    )

    webhooks.account_updated(sender=None, event=event)

    artist.refresh_from_db()
    assert artist.payout_status == PayoutStatus.ACTIVE
