"""The tips API as the tip page uses it: a browser session, its CSRF token and an Idempotency-Key.

A visitor without an account pays as their browser session: only that session, or the
account that paid, can follow or confirm a tip; to anyone else it does not exist.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from apps.tips import payments
from apps.tips.models import Tip
from tests.factories import PerformanceFactory

KEY = "0f8a4c52-5d7e-4a53-9a51-1e2f3c4d5e6f"
TIPS = "/api/v1/tips/"


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_pages"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pages"
    return settings


@pytest.fixture
def intents(monkeypatch, stripe_keys):
    """Stripe's side of a tip: each call makes a PaymentIntent and is recorded."""
    made = []

    def create_payment_intent(*, amount, currency, idempotency_key, metadata):  # noqa: ANN001, ANN202
        made.append({"amount": amount, "currency": currency, "key": idempotency_key})
        intent = f"pi_{len(made)}"
        return intent, f"{intent}_secret_abc"

    monkeypatch.setattr(payments, "create_payment_intent", create_payment_intent)
    return made


class Confirmations(list):
    """The card confirmations Stripe was asked for; ``answer`` is what it says to each."""

    answer = payments.Confirmation("succeeded")


@pytest.fixture
def confirmations(monkeypatch, stripe_keys) -> Confirmations:
    asked = Confirmations()

    def confirm_payment_intent(payment_intent_id, *, payment_method):  # noqa: ANN001, ANN202
        asked.append((payment_intent_id, payment_method))
        return asked.answer

    monkeypatch.setattr(payments, "confirm_payment_intent", confirm_payment_intent)
    return asked


def start(client: Client, data: dict, *, key: str | None = KEY, **headers: str):  # noqa: ANN201
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(TIPS, data, content_type="application/json", headers=headers)


def tip_of(artist, amount: int = 500, **more) -> dict:  # noqa: ANN001
    return {"artist": artist.slug, "amount": amount, **more}


def confirm(client: Client, tip_id: str, payment_method: str = "pm_card_visa", **headers: str):  # noqa: ANN201
    url = f"{TIPS}{tip_id}/confirm/"
    return client.post(
        url, {"payment_method": payment_method}, content_type="application/json", headers=headers
    )


# --- starting a tip --------------------------------------------------------------------------


def test_without_stripe_keys_a_tip_is_refused_with_503_and_nothing_is_stored(client, alice):
    response = start(client, tip_of(alice.artist_profile))
    assert response.status_code == 503
    assert response.json()["code"] == "payments_unavailable"
    assert not Tip.objects.exists()


@pytest.mark.parametrize("amount", [50, 50001, 2.5, "2.5", "five", None])
def test_a_bad_amount_is_refused_naming_amount_and_nothing_is_stored(client, alice, intents, amount):
    data = tip_of(alice.artist_profile, amount)
    if amount is None:
        del data["amount"]
    response = start(client, data)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["amount"]
    assert not Tip.objects.exists()
    assert intents == []


def test_the_limits_are_named_in_the_amounts_error(client, alice, intents):
    response = start(client, tip_of(alice.artist_profile, 50))
    assert response.json()["errors"] == {"amount": ["A tip is from €1 to €500."]}


def test_a_message_over_140_characters_is_refused(client, alice, intents):
    response = start(client, tip_of(alice.artist_profile, message="x" * 141))
    assert response.status_code == 400
    assert "message" in response.json()["errors"]
    assert not Tip.objects.exists()


def test_an_anonymous_visitors_tip_is_filed_under_their_browser_session(client, alice, intents):
    response = start(client, tip_of(alice.artist_profile, 750, message="Lovely set"))
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert (tip.amount, tip.currency, tip.message, tip.status) == (750, "eur", "Lovely set", "pending")
    body = response.json()
    assert {key: body[key] for key in ("id", "status", "amount", "currency", "payer")} == {
        "id": str(tip.public_id),
        "status": "pending",
        "amount": 750,
        "currency": "eur",
        "payer": "An anonymous visitor",
    }
    assert (body["client_secret"], body["publishable_key"]) == ("pi_1_secret_abc", "pk_test_pages")
    # The visitor's session was started so they can follow and pay their tip.
    assert tip.payer is None and tip.payer_key.startswith("session:")
    assert client.cookies.get("sessionid")


def test_the_same_idempotency_key_starts_one_tip_and_one_payment(client, alice, intents):
    first = start(client, tip_of(alice.artist_profile))
    again = start(client, tip_of(alice.artist_profile))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Tip.objects.count() == 1 and len(intents) == 1


def test_the_same_key_from_another_browser_is_that_browsers_own_tip(client, alice, intents):
    start(client, tip_of(alice.artist_profile))
    other = start(Client(), tip_of(alice.artist_profile))
    assert other.status_code == 201
    assert Tip.objects.count() == 2 and len(intents) == 2
    assert len(set(Tip.objects.values_list("payer_key", flat=True))) == 2


def test_reusing_a_key_for_a_different_amount_is_a_conflict(client, alice, intents):
    start(client, tip_of(alice.artist_profile, 500))
    response = start(client, tip_of(alice.artist_profile, 1000))
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert "idempotency_key" in response.json()["errors"]
    assert Tip.objects.get().amount == 500


def test_a_tip_without_an_idempotency_key_is_refused(client, alice, intents):
    response = start(client, tip_of(alice.artist_profile), key=None)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["errors"]
    assert not Tip.objects.exists()


def test_a_signed_in_fan_tips_as_themself_for_a_performance(client_as, alice, bob, intents):
    show = PerformanceFactory(artist=alice.artist_profile)
    response = start(client_as(bob), tip_of(alice.artist_profile, 200, performance=show.pk))
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert (tip.payer, tip.performance, tip.payer_key) == (bob, show, f"user:{bob.pk}")


def test_a_tip_for_another_artists_performance_is_refused(client, alice, bob, intents):
    show = PerformanceFactory(artist=bob.artist_profile)
    response = start(client, tip_of(alice.artist_profile, 200, performance=show.pk))
    assert response.status_code == 400
    assert "performance" in response.json()["errors"]
    assert not Tip.objects.exists()


def test_an_artist_cannot_tip_themself(client_as, alice, intents):
    response = start(client_as(alice), tip_of(alice.artist_profile))
    assert response.status_code == 400
    assert response.json()["errors"] == {"artist": ["You cannot tip yourself."]}
    assert not Tip.objects.exists()


# --- a browser session and its CSRF token -----------------------------------------------------


def csrf_browser(path: str) -> tuple[Client, str]:
    """A browser that checks CSRF as a real one is checked, with the token the page gave it."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(path)
    return browser, browser.cookies["csrftoken"].value


def test_a_signed_in_session_must_send_its_csrf_token(alice, bob, intents):
    browser, token = csrf_browser(f"/artists/{alice.artist_profile.slug}/tip/")
    browser.force_login(bob)
    refused = start(browser, tip_of(alice.artist_profile))
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF Failed")
    assert not Tip.objects.exists()
    assert start(browser, tip_of(alice.artist_profile), **{"X-CSRFToken": token}).status_code == 201


def test_an_anonymous_payers_session_must_send_its_csrf_token(alice, intents, confirmations):
    browser, token = csrf_browser(f"/artists/{alice.artist_profile.slug}/tip/")
    tip = start(browser, tip_of(alice.artist_profile), **{"X-CSRFToken": token}).json()
    # The session is the payer's credential now: a forged request from another site is refused.
    assert confirm(browser, tip["id"]).status_code == 403
    assert start(browser, tip_of(alice.artist_profile)).status_code == 403
    assert confirmations == []
    assert confirm(browser, tip["id"], **{"X-CSRFToken": token}).status_code == 200


# --- following a tip -------------------------------------------------------------------------


def test_the_payer_can_read_their_tips_status_and_a_stranger_cannot(client, client_as, alice, bob, intents):
    url = f"{TIPS}{start(client, tip_of(alice.artist_profile)).json()['id']}/"
    mine = client.get(url)
    assert mine.status_code == 200
    assert mine.json()["status"] == "pending"
    assert Client().get(url).status_code == 404
    stranger = Client()
    stranger.force_login(bob)
    assert stranger.get(url).status_code == 404
    # The artist sees the tips they receive.
    artist = Client()
    artist.force_login(alice)
    assert artist.get(url).status_code == 200


def test_a_signed_in_payer_reads_their_tip_from_any_browser(client_as, alice, bob, intents):
    url = f"{TIPS}{start(client_as(bob), tip_of(alice.artist_profile)).json()['id']}/"
    elsewhere = Client()
    elsewhere.force_login(bob)
    assert elsewhere.get(url).json()["status"] == "pending"


def test_an_unknown_tip_is_not_found(client, client_as, alice, bob, intents):
    start(client, tip_of(alice.artist_profile))  # a browser with a session
    assert client.get(f"{TIPS}{uuid.uuid4()}/").status_code == 404
    assert client_as(bob).get(f"{TIPS}{uuid.uuid4()}/").status_code == 404


def test_a_browser_without_a_session_finds_no_anonymous_tip(alice, intents, confirmations):
    # A tip filed under no session (as a cookieless client once could start) is nobody's to follow.
    tip = Tip.objects.create(
        artist=alice.artist_profile,
        payer_key="anonymous",
        idempotency_key=KEY,
        amount=500,
        currency="eur",
        payment_intent_id="pi_9",
    )
    assert Client().get(f"{TIPS}{tip.public_id}/").status_code == 404
    assert confirm(Client(), str(tip.public_id)).status_code == 404
    assert confirmations == []


# --- paying a tip ----------------------------------------------------------------------------


def test_the_payer_confirms_the_card_and_hears_stripes_status(client, alice, intents, confirmations):
    tip = start(client, tip_of(alice.artist_profile)).json()
    response = confirm(client, tip["id"], "pm_card_visa")
    assert response.status_code == 200
    assert response.json() == {
        "status": "succeeded",
        "failure_message": "",
        "client_secret": "pi_1_secret_abc",
    }
    assert confirmations == [("pi_1", "pm_card_visa")]
    # Stripe has the money, but the tip waits for the signed webhook to say so.
    assert Tip.objects.get().status == "pending"


def test_a_card_that_asks_for_authentication_hands_the_secret_back_for_stripe_js(
    client, alice, intents, confirmations
):
    confirmations.answer = payments.Confirmation("requires_action")
    tip = start(client, tip_of(alice.artist_profile)).json()
    answer = confirm(client, tip["id"], "pm_card_threeDSecure2Required").json()
    assert (answer["status"], answer["client_secret"]) == ("requires_action", "pi_1_secret_abc")


def test_a_declined_card_is_answered_with_the_banks_reason(client, alice, intents, confirmations):
    confirmations.answer = payments.Confirmation("requires_payment_method", "Your card was declined.")
    tip = start(client, tip_of(alice.artist_profile)).json()
    answer = confirm(client, tip["id"], "pm_card_chargeDeclined").json()
    assert (answer["status"], answer["failure_message"]) == (
        "requires_payment_method",
        "Your card was declined.",
    )


def test_only_the_payers_browser_can_confirm_their_tip(client, client_as, alice, bob, intents, confirmations):
    tip = start(client, tip_of(alice.artist_profile)).json()
    assert confirm(Client(), tip["id"]).status_code == 404
    stranger = Client()
    stranger.force_login(bob)
    assert confirm(stranger, tip["id"]).status_code == 404
    artist = Client()
    artist.force_login(alice)
    assert confirm(artist, tip["id"]).status_code == 404
    assert confirmations == []


def test_a_confirmation_without_a_payment_method_names_it(client, alice, intents, confirmations):
    tip = start(client, tip_of(alice.artist_profile)).json()
    response = confirm(client, tip["id"], "4242424242424242")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["payment_method"]
    assert confirmations == []


def test_a_tip_that_is_no_longer_pending_is_not_paid_again(client, alice, intents, confirmations):
    tip = start(client, tip_of(alice.artist_profile)).json()
    Tip.objects.filter(public_id=tip["id"]).update(status="succeeded")
    response = confirm(client, tip["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "tip_not_pending"
    assert "payment_method" in response.json()["errors"]
    assert confirmations == []
