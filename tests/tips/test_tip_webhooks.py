"""A tip's state changes only through verified webhooks, and converges on Stripe's real state.

Stripe here is localstripe on loopback. The end-to-end test lets it deliver its own
webhooks to the live server; the others deliver signed events built from its objects, so
they can repeat, reorder, tamper with and race them.
"""

from __future__ import annotations

import time
from importlib import import_module
from urllib.parse import urlsplit

import pytest
import stripe
from django.conf import settings
from django.test import Client
from djstripe.models import WebhookEventTrigger
from rest_framework.test import APIClient

from apps.accounts.models import Notification, NotificationKind
from apps.tips.localstripe import seed_djstripe
from apps.tips.models import EntryKind, LedgerEntry, Tip, TipStatus
from apps.tips.querysets import artist_account
from apps.tips.services import payer_key
from tests.concurrency import at_once
from tests.factories import ArtistProfileFactory
from tests.stripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET
from tests.tips.webhook_delivery import deliver, event_body, signature

KEY = "tip-key-0123456789abcdef"


@pytest.fixture
def artist(db):
    return ArtistProfileFactory(stage_name="Marta Fado", slug="marta-fado")


@pytest.fixture
def webhook(stripe_sdk, settings, db) -> str:
    """Stripe configured on localstripe, without its own deliveries: the path signed events go to."""
    settings.STRIPE_TEST_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    url = seed_djstripe(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, site_url="http://testserver")
    return urlsplit(url).path


def start(artist, *, amount: int = 500, key: str = KEY, client: APIClient | None = None) -> Tip:
    client = client or APIClient()
    response = client.post(
        "/api/v1/tips/",
        {"artist": artist.slug, "amount": amount},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code in (200, 201), response.json()
    return Tip.objects.get(public_id=response.json()["id"])


def pay(tip: Tip, card: str = "pm_card_visa") -> stripe.PaymentIntent:
    stripe.PaymentIntent.modify(tip.payment_intent_id, payment_method=card)
    return stripe.PaymentIntent.confirm(tip.payment_intent_id)


def charge_of(tip: Tip) -> stripe.Charge:
    intent = stripe.PaymentIntent.retrieve(tip.payment_intent_id)
    charge = intent.latest_charge
    return stripe.Charge.retrieve(charge if isinstance(charge, str) else charge.id)


def send(client: Client, path: str, event_type: str, obj, *, event_id: str | None = None) -> int:  # noqa: ANN001
    body = event_body(event_type, obj, event_id=event_id)
    return deliver(client, path, body, signature(body, WEBHOOK_SECRET)).status_code


def movements(tip: Tip) -> list[str]:
    return sorted(LedgerEntry.objects.filter(tip=tip).values_list("kind", flat=True))


# --- end to end ----------------------------------------------------------------------


def test_a_tip_is_paid_through_stripe_and_its_webhook_and_the_artist_is_told(stripe_local, artist):
    client = APIClient()
    tip = start(artist, client=client)
    assert tip.status == TipStatus.PENDING
    assert tip.payment_intent_id.startswith("pi_")

    response = client.post(
        f"/api/v1/tips/{tip.public_id}/confirm/", {"payment_method": "pm_card_visa"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "succeeded"
    # Stripe has taken the money, but the tip waits for the signed webhook to say so.
    tip.refresh_from_db()
    assert tip.status == TipStatus.PENDING

    stripe_local.wait_for_webhooks()
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert movements(tip) == [EntryKind.TIP, EntryKind.TIP_FEE]
    assert LedgerEntry.objects.balance(artist_account(artist.pk)) == 500 - 33
    note = Notification.objects.get(recipient=artist.user, kind=NotificationKind.TIP_RECEIVED)
    assert note.text.startswith("You got a €5 tip")
    trigger = WebhookEventTrigger.objects.get(event__type="payment_intent.succeeded")
    assert trigger.valid and trigger.processed


def test_a_declined_card_is_answered_at_once_and_the_webhook_fails_the_tip(stripe_local, artist):
    client = APIClient()
    tip = start(artist, client=client)
    response = client.post(
        f"/api/v1/tips/{tip.public_id}/confirm/",
        {"payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "requires_payment_method"
    assert response.json()["failure_message"]

    stripe_local.wait_for_webhooks()
    tip.refresh_from_db()
    assert tip.status == TipStatus.FAILED
    assert movements(tip) == []


# --- signatures ----------------------------------------------------------------------


def body_and_tip(artist) -> tuple[Tip, str]:  # noqa: ANN001
    tip = start(artist)
    intent = pay(tip)
    return tip, event_body("payment_intent.succeeded", intent)


@pytest.mark.parametrize(
    "how",
    ["unsigned", "wrong secret", "tampered body", "stale"],
)
def test_a_webhook_that_is_not_signed_by_stripe_now_changes_nothing(webhook, artist, client, how):
    tip, body = body_and_tip(artist)
    sig = signature(body, WEBHOOK_SECRET)
    if how == "unsigned":
        sig = None
    elif how == "wrong secret":
        sig = signature(body, "whsec_someoneelse0123456789")
    elif how == "tampered body":
        body = body.replace('"amount": 500', '"amount": 50000')
    elif how == "stale":
        sig = signature(body, WEBHOOK_SECRET, at=int(time.time()) - 3600)

    response = deliver(client, webhook, body, sig)

    assert response.status_code == 400
    tip.refresh_from_db()
    assert tip.status == TipStatus.PENDING
    assert movements(tip) == []
    assert not WebhookEventTrigger.objects.filter(valid=True).exists()


# --- repeats and order ---------------------------------------------------------------


def test_every_event_delivered_twice_books_each_movement_once(webhook, artist, client):
    tip = start(artist)
    pay(tip)
    refund = stripe.Refund.create(payment_intent=tip.payment_intent_id, amount=200)
    events = [
        ("payment_intent.succeeded", stripe.PaymentIntent.retrieve(tip.payment_intent_id), "evt_succeeded"),
        ("refund.created", refund, "evt_refund"),
        ("charge.refunded", charge_of(tip), "evt_charge_refunded"),
    ]
    for event_type, obj, event_id in events:
        assert send(client, webhook, event_type, obj, event_id=event_id) == 200
        assert send(client, webhook, event_type, obj, event_id=event_id) == 200

    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert tip.amount_refunded == 200
    assert movements(tip) == [EntryKind.TIP, EntryKind.TIP_FEE, EntryKind.TIP_REFUND]
    assert Notification.objects.filter(recipient=artist.user, kind=NotificationKind.TIP_RECEIVED).count() == 1


def test_a_refund_announced_before_the_payment_ends_refunded(webhook, artist, client):
    tip = start(artist)
    pay(tip)
    refund = stripe.Refund.create(payment_intent=tip.payment_intent_id)

    assert send(client, webhook, "charge.refunded", charge_of(tip)) == 200
    assert send(client, webhook, "refund.created", refund) == 200
    assert (
        send(
            client, webhook, "payment_intent.succeeded", stripe.PaymentIntent.retrieve(tip.payment_intent_id)
        )
        == 200
    )

    tip.refresh_from_db()
    assert tip.status == TipStatus.REFUNDED
    assert movements(tip) == [EntryKind.TIP, EntryKind.TIP_FEE, EntryKind.TIP_REFUND]
    assert LedgerEntry.objects.balance(artist_account(artist.pk)) == -33


def test_a_late_failure_of_the_first_card_does_not_undo_the_second_cards_payment(webhook, artist, client):
    tip = start(artist)
    succeeded = pay(tip)
    # The event Stripe sent when the first card was declined carries the intent as it was then.
    earlier = {
        **succeeded.to_dict(),
        "status": "requires_payment_method",
        "last_payment_error": {"code": "card_declined", "message": "Your card was declined."},
    }

    assert send(client, webhook, "payment_intent.succeeded", succeeded) == 200
    assert send(client, webhook, "payment_intent.payment_failed", earlier) == 200

    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert tip.failure_message == ""
    assert movements(tip) == [EntryKind.TIP, EntryKind.TIP_FEE]


def test_refunds_announced_newest_first_book_each_refund_once(webhook, artist, client):
    tip = start(artist)
    intent = pay(tip)
    first = stripe.Refund.create(payment_intent=tip.payment_intent_id, amount=100)
    second = stripe.Refund.create(payment_intent=tip.payment_intent_id, amount=400)

    assert send(client, webhook, "charge.refunded", charge_of(tip)) == 200
    assert send(client, webhook, "refund.created", second) == 200
    assert send(client, webhook, "refund.created", first) == 200
    assert send(client, webhook, "payment_intent.succeeded", intent) == 200

    tip.refresh_from_db()
    assert tip.status == TipStatus.REFUNDED
    assert tip.amount_refunded == 500
    assert LedgerEntry.objects.filter(tip=tip, kind=EntryKind.TIP_REFUND).count() == 2


# --- races (PostgreSQL) --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_same_events_delivered_concurrently_book_each_movement_once(webhook, artist):
    tip = start(artist)
    pay(tip)
    refund = stripe.Refund.create(payment_intent=tip.payment_intent_id, amount=200)
    bodies = [
        event_body(
            "payment_intent.succeeded", stripe.PaymentIntent.retrieve(tip.payment_intent_id), event_id="evt_a"
        ),
        event_body("refund.created", refund, event_id="evt_b"),
        event_body("charge.refunded", charge_of(tip), event_id="evt_c"),
    ]

    def poster(body: str):  # noqa: ANN202
        client = Client()
        return lambda: deliver(client, webhook, body, signature(body, WEBHOOK_SECRET)).status_code

    # Each event four times, all twelve deliveries at once.
    statuses = at_once([poster(body) for body in bodies for _ in range(4)])

    assert set(statuses) <= {200, 500}
    tip.refresh_from_db()
    assert tip.status == TipStatus.SUCCEEDED
    assert tip.amount_refunded == 200
    assert movements(tip) == [EntryKind.TIP, EntryKind.TIP_FEE, EntryKind.TIP_REFUND]
    assert Notification.objects.filter(recipient=artist.user, kind=NotificationKind.TIP_RECEIVED).count() == 1


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_twenty_requests_with_one_key_make_one_tip_and_one_payment_intent(webhook, artist):
    # One visitor's browser retrying at once: twenty connections with one session cookie.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["tipper"] = True
    session.create()

    def tipper():  # noqa: ANN202
        client = APIClient()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

        def post() -> tuple[int, str]:
            response = client.post(
                "/api/v1/tips/",
                {"artist": artist.slug, "amount": 700},
                format="json",
                HTTP_IDEMPOTENCY_KEY=KEY,
            )
            return response.status_code, response.json().get("client_secret", "")

        return post

    answers = at_once([tipper() for _ in range(20)])

    assert Tip.objects.count() == 1
    tip = Tip.objects.get()
    assert {status for status, _ in answers} <= {200, 201}
    assert sorted(status for status, _ in answers).count(201) == 1
    assert {secret for _, secret in answers} == {tip.client_secret}
    intents = [i for i in stripe.PaymentIntent.list(limit=100).auto_paging_iter() if i.metadata.get("tip")]
    assert [i.id for i in intents] == [tip.payment_intent_id]
    assert tip.payer_key == payer_key(None, session.session_key)
