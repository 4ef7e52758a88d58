"""localstripe stands in for Stripe: on loopback only, in memory, and dj-stripe takes its webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import time
import urllib.error
import urllib.request

import pytest
import stripe
from django.core.management import CommandError, call_command
from djstripe.models import Event, PaymentIntent, WebhookEventTrigger
from djstripe.signals import WEBHOOK_SIGNALS

# Where localstripe's own command keeps its store, whatever the platform's temp folder.
PICKLE = "/tmp/localstripe.pickle"  # noqa: S108


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.fixture
def payment_intent_succeeded():
    """The events dj-stripe's payment_intent.succeeded signal fired for."""
    fired: list[Event] = []

    def receiver(sender, event: Event, **kwargs) -> None:  # noqa: ANN001
        fired.append(event)

    signal = WEBHOOK_SIGNALS["payment_intent.succeeded"]
    signal.connect(receiver, weak=False, dispatch_uid="test_local_stripe_server")
    yield fired
    signal.disconnect(dispatch_uid="test_local_stripe_server")


def test_it_listens_on_127_0_0_1_only(localstripe_server):
    port = _port(localstripe_server.url)
    assert localstripe_server.url == f"http://127.0.0.1:{port}"
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    # Bound to every interface (localstripe's own default, "::"), these would answer too.
    for host in ("127.0.0.2", "::1"):
        with pytest.raises(OSError):
            socket.create_connection((host, port), timeout=2).close()


def test_it_writes_nothing_to_disk(stripe_sdk, monkeypatch):
    from localstripe import resources

    pickled = []
    monkeypatch.setattr(resources.pickle, "dump", lambda *args, **kwargs: pickled.append(args))
    before = os.stat(PICKLE).st_mtime_ns if os.path.exists(PICKLE) else None

    customer = stripe.Customer.create(email="alice@example.com")
    stripe.PaymentIntent.create(amount=500, currency="eur", customer=customer.id)
    stripe.Customer.delete(customer.id)

    assert pickled == []
    assert (os.stat(PICKLE).st_mtime_ns if os.path.exists(PICKLE) else None) == before


@pytest.mark.slow
def test_a_confirmed_payment_reaches_dj_stripe_as_a_processed_webhook(stripe_local, payment_intent_succeeded):
    intent = stripe.PaymentIntent.create(amount=500, currency="eur", payment_method="pm_card_visa")
    intent = stripe.PaymentIntent.confirm(intent.id)
    assert intent.status == "succeeded"

    stripe_local.wait_for_webhooks()

    trigger = WebhookEventTrigger.objects.get()
    assert (trigger.valid, trigger.processed) == (True, True)
    assert trigger.event.type == "payment_intent.succeeded"
    assert trigger.event.data["object"]["id"] == intent.id
    assert trigger.event.data["object"]["amount"] == 500
    assert trigger.exception == ""
    assert [event.id for event in payment_intent_succeeded] == [trigger.event.id]
    assert Event.objects.get().type == "payment_intent.succeeded"
    # dj-stripe re-fetches the object the event names: from localstripe, not Stripe.
    assert PaymentIntent.objects.get(id=intent.id).stripe_data["status"] == "succeeded"


@pytest.mark.slow
def test_a_webhook_with_a_wrong_signature_is_refused_and_not_processed(
    stripe_local, payment_intent_succeeded
):
    body = json.dumps(
        {
            "id": "evt_forged",
            "object": "event",
            "type": "payment_intent.succeeded",
            "livemode": False,
            "api_version": "2017-08-15",
            "created": int(time.time()),
            "data": {"object": {"id": "pi_forged", "object": "payment_intent", "amount": 500}},
        }
    ).encode()
    timestamp = int(time.time())
    signature = hmac.new(b"whsec_not_the_secret", b"%d.%s" % (timestamp, body), hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        stripe_local.webhook_url,
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={signature}"},
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)

    assert refused.value.code == 400
    trigger = WebhookEventTrigger.objects.get()
    assert (trigger.valid, trigger.processed, trigger.event) == (False, False, None)
    assert not Event.objects.exists()
    assert payment_intent_succeeded == []


def test_the_command_refuses_to_start_without_stripe_test_keys(settings):
    settings.STRIPE_TEST_SECRET_KEY = ""
    with pytest.raises(CommandError, match="STRIPE_TEST_SECRET_KEY"):
        call_command("localstripe", "--port", "0")
