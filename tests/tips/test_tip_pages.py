"""The tip page: amounts and limits and a card through Stripe.js; the tip itself goes to the tips API."""

from __future__ import annotations

import pytest

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


def tip_url(artist) -> str:  # noqa: ANN001
    return f"/artists/{artist.slug}/tip/"


def test_the_tip_page_shows_the_presets_the_limits_and_the_card_field(client, alice, stripe_keys):
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


def test_the_tip_page_lets_stripe_js_through_the_content_security_policy(client, alice, stripe_keys):
    policy = client.get(tip_url(alice.artist_profile))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "https://js.stripe.com" in policy
    assert "frame-src https://js.stripe.com" in policy
    assert "https://api.stripe.com" in policy
    # Other pages keep the strict policy.
    assert "stripe" not in client.get("/artists/")["Content-Security-Policy"]


def test_a_local_stripe_js_is_allowed_from_its_own_origin(client, alice, stripe_keys, settings):
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


def test_the_form_sends_the_tip_to_the_tips_api(client, alice, stripe_keys):
    page = client.get(tip_url(alice.artist_profile)).content.decode()
    assert 'action="/api/v1/tips/"' in page
    assert 'data-artist-slug="alice-strings"' in page
    # The script turns a typed amount into cents, and names the currency when it can't.
    assert 'data-currency-symbol="€"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_page_itself_takes_no_tip(client, alice, stripe_keys):
    response = client.post(tip_url(alice.artist_profile), {"amount": "500"}, headers={"Idempotency-Key": KEY})
    assert response.status_code == 405
    assert not Tip.objects.exists()


def test_a_tip_for_a_performance_names_it_and_carries_its_id(client_as, alice, bob, stripe_keys):
    show = PerformanceFactory(artist=alice.artist_profile, title="Rossio at dusk")
    page = client_as(bob).get(tip_url(alice.artist_profile) + f"?performance={show.pk}").content.decode()
    assert "Rossio at dusk" in page
    assert f'name="performance" value="{show.pk}"' in page


def test_another_artists_performance_is_not_offered(client, alice, bob, stripe_keys):
    show = PerformanceFactory(artist=bob.artist_profile, title="Bob at the docks")
    page = client.get(tip_url(alice.artist_profile) + f"?performance={show.pk}").content.decode()
    assert "Bob at the docks" not in page
    assert f'value="{show.pk}"' not in page


def test_an_artist_cannot_tip_themself(client_as, alice, stripe_keys):
    page = client_as(alice).get(tip_url(alice.artist_profile)).content.decode()
    assert "You cannot tip yourself." in page
    assert "data-tip-form" not in page


def test_the_artist_and_performance_pages_link_to_the_tip_page(client, alice, stripe_keys):
    show = PerformanceFactory(artist=alice.artist_profile)
    assert (
        tip_url(alice.artist_profile) in client.get(alice.artist_profile.get_absolute_url()).content.decode()
    )
    page = client.get(f"/performances/{show.pk}/").content.decode()
    assert f"{tip_url(alice.artist_profile)}?performance={show.pk}" in page
