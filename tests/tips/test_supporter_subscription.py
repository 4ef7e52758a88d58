"""A fan subscribes as a monthly supporter through Stripe, pays the first month, and can cancel.

Stripe is localstripe on loopback. Its invoice events carry fields dj-stripe cannot sync
from it, so these tests read the subscription back the way the webhooks do, on demand.
"""

from __future__ import annotations

import pytest
import stripe
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from apps.core.errors import Conflict
from apps.tips import services
from apps.tips.models import EntryKind, LedgerEntry, Supporter, SupporterPayment, SupporterStatus
from apps.tips.querysets import supporter_account
from tests.factories import UserFactory
from tests.stripe_server import PUBLISHABLE_KEY, SECRET_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_keys(stripe_sdk, settings):
    settings.STRIPE_TEST_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.SUPPORTER_MONTHLY_FEE = 500
    settings.STRIPE_FEE_BASIS_POINTS = 150
    settings.STRIPE_FEE_FIXED = 25
    settings.SUPPORTER_PLATFORM_SHARE_BASIS_POINTS = 1000
    return stripe_sdk


@pytest.fixture
def fan(db):
    return UserFactory(email="fan@example.com")


def test_subscribing_charges_the_first_month_to_the_card_on_a_monthly_subscription(stripe_keys, fan):
    supporter = services.become_supporter(fan, payment_method="pm_card_visa")

    assert supporter.status == SupporterStatus.ACTIVE
    subscription = stripe.Subscription.retrieve(supporter.subscription_id)
    assert subscription.customer == supporter.customer_id
    assert subscription["items"]["data"][0]["plan"]["amount"] == 500
    assert subscription["items"]["data"][0]["plan"]["interval"] == "month"


def test_subscribing_without_a_card_is_refused_naming_the_card(stripe_keys, fan):
    with pytest.raises(ValidationError) as refused:
        services.become_supporter(fan)

    assert list(refused.value.message_dict) == ["payment_method"]
    assert not Supporter.objects.exists()


def test_the_first_month_paid_books_the_net_for_the_split(stripe_keys, fan):
    supporter = services.become_supporter(fan, payment_method="pm_card_visa")

    assert supporter.status == SupporterStatus.ACTIVE
    assert supporter.client_secret == ""
    payment = SupporterPayment.objects.get(supporter=fan)
    assert (payment.amount, payment.processor_fee, payment.platform_share) == (500, 33, 50)
    kinds = sorted(LedgerEntry.objects.filter(supporter_payment=payment).values_list("kind", flat=True))
    assert kinds == [EntryKind.PLATFORM_SHARE, EntryKind.SUPPORTER_FEE, EntryKind.SUPPORTER_PAYMENT]
    assert LedgerEntry.objects.balance(supporter_account(fan.pk)) == 500 - 33 - 50


def test_reading_the_paid_invoice_again_books_nothing_more(stripe_keys, fan):
    services.become_supporter(fan, payment_method="pm_card_visa")
    invoice = stripe.Subscription.retrieve(Supporter.objects.get(user=fan).subscription_id).latest_invoice
    invoice_id = invoice if isinstance(invoice, str) else invoice.id

    services.sync_supporter_invoice(invoice_id)
    services.refresh_supporter(fan)

    assert SupporterPayment.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.SUPPORTER_PAYMENT).count() == 1


def test_a_declined_first_payment_names_the_card_and_books_nothing(stripe_keys, fan):
    with pytest.raises(ValidationError) as refused:
        services.become_supporter(fan, payment_method="pm_card_chargeCustomerFail")

    assert "payment_method" in refused.value.message_dict
    assert Supporter.objects.get(user=fan).status == SupporterStatus.INCOMPLETE
    assert not LedgerEntry.objects.exists()


def test_another_card_after_a_decline_replaces_the_unpaid_subscription(stripe_keys, fan):
    with pytest.raises(ValidationError):
        services.become_supporter(fan, payment_method="pm_card_chargeCustomerFail")
    declined = Supporter.objects.get(user=fan).subscription_id

    supporter = services.become_supporter(fan, payment_method="pm_card_visa")

    assert supporter.status == SupporterStatus.ACTIVE
    assert supporter.subscription_id != declined
    assert stripe.Subscription.retrieve(declined).status == "canceled"
    assert SupporterPayment.objects.count() == 1


def test_a_supporter_cannot_subscribe_twice(stripe_keys, fan):
    services.become_supporter(fan, payment_method="pm_card_visa")

    with pytest.raises(Conflict):
        services.become_supporter(fan)


def test_cancelling_stops_renewal_and_keeps_the_paid_month(stripe_keys, fan):
    services.become_supporter(fan, payment_method="pm_card_visa")

    supporter = services.stop_supporting(fan)

    assert supporter.cancel_at_period_end is True
    assert supporter.is_supporting
    assert stripe.Subscription.retrieve(supporter.subscription_id).cancel_at_period_end is True
    assert SupporterPayment.objects.count() == 1


def test_subscribing_again_after_cancelling_resumes_the_same_subscription(stripe_keys, fan):
    services.become_supporter(fan, payment_method="pm_card_visa")
    cancelled = services.stop_supporting(fan)

    resumed = services.become_supporter(fan)

    assert resumed.subscription_id == cancelled.subscription_id
    assert resumed.cancel_at_period_end is False


def test_cancelling_an_unpaid_subscription_ends_it_at_once(stripe_keys, fan):
    with pytest.raises(ValidationError):
        services.become_supporter(fan, payment_method="pm_card_chargeCustomerFail")

    supporter = services.stop_supporting(fan)

    assert supporter.status == SupporterStatus.CANCELED


def test_the_api_subscribes_with_a_card_and_cancels(stripe_keys, fan):
    client = APIClient()
    client.force_authenticate(fan)

    without_card = client.post("/api/v1/supporter/subscribe/")
    assert without_card.status_code == 400
    assert list(without_card.json()["errors"]) == ["payment_method"]

    paid = client.post("/api/v1/supporter/subscribe/", {"payment_method": "pm_card_visa"}, format="json")
    assert paid.status_code == 200
    assert paid.json()["status"] == "active"
    assert paid.json()["client_secret"] == ""

    again = client.post("/api/v1/supporter/subscribe/")
    assert again.status_code == 409

    cancelled = client.post("/api/v1/supporter/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["cancel_at_period_end"] is True


def test_without_stripe_keys_subscribing_is_unavailable_and_nothing_is_stored(fan, settings):
    settings.STRIPE_TEST_SECRET_KEY = ""
    client = APIClient()
    client.force_authenticate(fan)

    response = client.post("/api/v1/supporter/subscribe/")

    assert response.status_code == 503
    assert not Supporter.objects.exists()


def test_a_card_from_a_stripe_js_token_pays_the_first_month(stripe_keys, fan):
    # What the local Stripe.js stand-in hands the page: a token whose card is used as the payment method.
    token = stripe.Token.create(
        card={"number": "4242424242424242", "exp_month": "12", "exp_year": "34", "cvc": "123"}
    )

    supporter = services.become_supporter(fan, payment_method=token.card.id)

    assert supporter.status == SupporterStatus.ACTIVE
    assert SupporterPayment.objects.filter(supporter=fan).count() == 1
