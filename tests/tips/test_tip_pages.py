"""The tip page: amounts and limits, a card through Stripe.js, and a status only the payer can read."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from apps.tips import payments
from apps.tips.models import Tip
from tests.factories import PerformanceFactory

KEY = "0f8a4c52-5d7e-4a53-9a51-1e2f3c4d5e6f"


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_pages"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pages"
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
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


def tip_url(artist) -> str:  # noqa: ANN001
    return f"/artists/{artist.slug}/tip/"


def test_the_tip_page_shows_the_presets_the_limits_and_the_card_field(client, alice, intents):
    response = client.get(tip_url(alice.artist_profile))
    assert response.status_code == 200
    page = response.content.decode()
    for preset in ("€2", "€5", "€10"):
        assert preset in page
    assert "From €1 to €500." in page
    assert "data-card" in page
    assert 'data-publishable-key="pk_test_pages"' in page
    assert '<script src="https://js.stripe.com/v3/"' in page
    assert "<noscript>" in page


def test_the_tip_page_lets_stripe_js_through_the_content_security_policy(client, alice, intents):
    policy = client.get(tip_url(alice.artist_profile))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "https://js.stripe.com" in policy
    assert "frame-src https://js.stripe.com" in policy
    assert "https://api.stripe.com" in policy
    # Other pages keep the strict policy.
    assert "stripe" not in client.get("/artists/")["Content-Security-Policy"]


def test_a_local_stripe_js_is_allowed_from_its_own_origin(client, alice, intents, settings):
    settings.STRIPE_JS_URL = "http://127.0.0.1:8420/js.stripe.com/v3/"
    response = client.get(tip_url(alice.artist_profile))
    assert '<script src="http://127.0.0.1:8420/js.stripe.com/v3/"' in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "http://127.0.0.1:8420" in policy.split("script-src", 1)[1].split(";")[0]
    assert "http://127.0.0.1:8420" in policy.split("connect-src", 1)[1].split(";")[0]


def test_without_stripe_keys_the_page_says_tipping_is_unavailable_and_has_no_form(client, alice):
    response = client.get(tip_url(alice.artist_profile))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tipping isn&#x27;t available on this site right now." in page
    assert "data-tip-form" not in page
    assert "js.stripe.com" not in page


def test_without_stripe_keys_a_tip_is_refused_with_503_and_nothing_is_stored(client, alice):
    response = client.post(tip_url(alice.artist_profile), {"amount": "500"}, headers={"Idempotency-Key": KEY})
    assert response.status_code == 503
    assert response.json()["code"] == "payments_unavailable"
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "50"},
        {"amount": "50001"},
        {"amount": "custom", "custom_amount": "0.50"},
        {"amount": "custom", "custom_amount": "five"},
        {"amount": "custom", "custom_amount": "5.555"},
        {"amount": "2.5"},
        {},
    ],
)
def test_a_bad_amount_is_refused_naming_amount_and_nothing_is_stored(client, alice, intents, data):
    response = client.post(tip_url(alice.artist_profile), data, headers={"Idempotency-Key": KEY})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]
    assert not Tip.objects.exists()
    assert intents == []


def test_a_message_over_140_characters_is_refused(client, alice, intents):
    data = {"amount": "500", "message": "x" * 141}
    response = client.post(tip_url(alice.artist_profile), data, headers={"Idempotency-Key": KEY})
    assert response.status_code == 400
    assert "message" in response.json()["errors"]
    assert not Tip.objects.exists()


def test_a_custom_amount_in_euros_starts_a_tip_in_cents(client, alice, intents):
    data = {"amount": "custom", "custom_amount": "7,50", "message": "Lovely set"}
    response = client.post(tip_url(alice.artist_profile), data, headers={"Idempotency-Key": KEY})
    assert response.status_code == 200, response.content
    body = response.json()
    tip = Tip.objects.get()
    assert (tip.amount, tip.currency, tip.message, tip.status) == (750, "eur", "Lovely set", "pending")
    assert body == {
        "tip": str(tip.public_id),
        "status": "pending",
        "amount": 750,
        "currency": "eur",
        "client_secret": "pi_1_secret_abc",
        "publishable_key": "pk_test_pages",
        "status_url": f"/tips/{tip.public_id}/status/",
        "confirm_url": f"/tips/{tip.public_id}/confirm/",
    }
    # The anonymous visitor's session was started so they can follow their tip.
    assert tip.payer is None and tip.payer_key.startswith("session:")
    assert client.cookies.get("sessionid")


def test_a_json_tip_in_cents_is_accepted(client, alice, intents):
    response = client.post(
        tip_url(alice.artist_profile),
        {"amount": 1234},
        content_type="application/json",
        headers={"Idempotency-Key": KEY},
    )
    assert response.status_code == 200, response.content
    assert Tip.objects.get().amount == 1234


def test_the_same_idempotency_key_starts_one_tip_and_one_payment(client, alice, intents):
    url = tip_url(alice.artist_profile)
    first = client.post(url, {"amount": "500"}, headers={"Idempotency-Key": KEY}).json()
    again = client.post(url, {"amount": "500"}, headers={"Idempotency-Key": KEY}).json()
    assert first == again
    assert Tip.objects.count() == 1 and len(intents) == 1


def test_reusing_a_key_for_a_different_amount_is_a_conflict(client, alice, intents):
    url = tip_url(alice.artist_profile)
    client.post(url, {"amount": "500"}, headers={"Idempotency-Key": KEY})
    response = client.post(url, {"amount": "1000"}, headers={"Idempotency-Key": KEY})
    assert response.status_code == 409
    assert "idempotency_key" in response.json()["errors"]
    assert Tip.objects.get().amount == 500


def test_a_tip_without_an_idempotency_key_is_refused(client, alice, intents):
    response = client.post(tip_url(alice.artist_profile), {"amount": "500"})
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["errors"]
    assert not Tip.objects.exists()


def test_a_signed_in_fan_tips_as_themself_for_a_performance(client_as, alice, bob, intents):
    show = PerformanceFactory(artist=alice.artist_profile, title="Rossio at dusk")
    client = client_as(bob)
    page = client.get(tip_url(alice.artist_profile) + f"?performance={show.pk}")
    assert "Rossio at dusk" in page.content.decode()
    data = {"amount": "200", "performance": show.pk}
    response = client.post(tip_url(alice.artist_profile), data, headers={"Idempotency-Key": KEY})
    assert response.status_code == 200, response.content
    tip = Tip.objects.get()
    assert (tip.payer, tip.performance, tip.payer_key) == (bob, show, f"user:{bob.pk}")


def test_a_tip_for_another_artists_performance_is_refused(client, alice, bob, intents):
    show = PerformanceFactory(artist=bob.artist_profile)
    data = {"amount": "200", "performance": show.pk}
    response = client.post(tip_url(alice.artist_profile), data, headers={"Idempotency-Key": KEY})
    assert response.status_code == 400
    assert "performance" in response.json()["errors"]
    assert not Tip.objects.exists()


def test_an_artist_cannot_tip_themself(client_as, alice, intents):
    client = client_as(alice)
    page = client.get(tip_url(alice.artist_profile)).content.decode()
    assert "You cannot tip yourself." in page
    assert "data-tip-form" not in page
    response = client.post(tip_url(alice.artist_profile), {"amount": "500"}, headers={"Idempotency-Key": KEY})
    assert response.status_code == 400
    assert response.json()["errors"] == {"artist": ["You cannot tip yourself."]}
    assert not Tip.objects.exists()


def test_the_payer_can_read_their_tips_status_and_a_stranger_cannot(client, alice, bob, intents):
    body = client.post(
        tip_url(alice.artist_profile), {"amount": "500"}, headers={"Idempotency-Key": KEY}
    ).json()
    mine = client.get(body["status_url"])
    assert mine.status_code == 200
    assert mine.json()["status"] == "pending"
    assert Client().get(body["status_url"]).status_code == 404
    stranger = Client()
    stranger.force_login(bob)
    assert stranger.get(body["status_url"]).status_code == 404


def test_an_unknown_tip_is_not_found(client, alice):
    assert client.get(f"/tips/{uuid.uuid4()}/status/").status_code == 404


def test_the_artist_and_performance_pages_link_to_the_tip_page(client, alice):
    show = PerformanceFactory(artist=alice.artist_profile)
    assert (
        tip_url(alice.artist_profile) in client.get(alice.artist_profile.get_absolute_url()).content.decode()
    )
    page = client.get(f"/performances/{show.pk}/").content.decode()
    assert f"{tip_url(alice.artist_profile)}?performance={show.pk}" in page
