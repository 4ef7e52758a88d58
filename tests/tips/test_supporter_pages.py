"""The supporter page: the fee and the split in plain words, subscribing, stopping, where money went."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from apps.tips import payments
from apps.tips.models import Supporter, SupporterAllocation, SupporterShare, SupporterStatus
from tests.factories import UserFactory

MARCH = date(2026, 3, 1)
SUBSCRIBE_API = "/api/v1/supporter/subscribe/"
# 30 April 2026, 12:00 UTC
PERIOD_END = int(datetime(2026, 4, 30, 12, tzinfo=UTC).timestamp())


@pytest.fixture
def fan(db):
    return UserFactory(display_name="Fran")


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_pages"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pages"
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    return settings


def allocate(fan, month: date, available: int, shares: dict) -> SupporterAllocation:  # noqa: ANN001
    """A finished month's split as the monthly run leaves it."""
    allocated = sum(amount for amount, _ in shares.values())
    allocation = SupporterAllocation.objects.create(
        supporter=fan,
        period=month,
        currency="eur",
        available=available,
        allocated=allocated,
        rolled_over=available - allocated,
    )
    for artist, (amount, plays) in shares.items():
        SupporterShare.objects.create(
            allocation=allocation,
            supporter=fan,
            artist=artist,
            period=month,
            amount=amount,
            currency="eur",
            plays=plays,
            engagement=plays,
        )
    return allocation


def subscription(
    status: str, *, cancel_at_period_end: bool = False, client_secret: str = ""
) -> payments.SubscriptionState:
    return payments.SubscriptionState("sub_1", status, cancel_at_period_end, PERIOD_END, client_secret)


def test_the_supporter_page_needs_sign_in(client):
    response = client.get("/supporter/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_explains_the_fee_and_that_money_goes_only_to_artists_you_engaged_with(
    client_as, fan, stripe_keys
):
    page = client_as(fan).get("/supporter/").content.decode()
    assert "€5 a month" in page
    assert "never pooled" in page
    assert "rolls over" in page
    assert "Become a supporter for €5 a month" in page


def test_without_stripe_the_page_says_supporting_is_unavailable(client_as, fan):
    page = client_as(fan).get("/supporter/").content.decode()
    assert "Supporting isn&#x27;t available on this site right now." in page
    assert "/supporter/subscribe/" not in page


def test_a_months_allocation_shows_each_artists_share_and_engagement(client_as, fan, alice, bob):
    allocate(fan, MARCH, 400, {alice.artist_profile: (380, 95), bob.artist_profile: (20, 5)})
    response = client_as(fan).get("/supporter/?month=2026-03")
    page = response.content.decode()
    assert response.status_code == 200
    assert "March 2026" in page
    assert 'Shared with artists: <span class="stat">€4</span>' in page
    assert 'href="/artists/alice-strings/"' in page and "€3.80" in page and "95 plays (95 points)" in page
    assert 'href="/artists/bob-drums/"' in page and "€0.20" in page and "5 plays (5 points)" in page
    assert page.index("Alice Strings") < page.index("Bob Drums")


def test_a_month_without_engagement_shows_the_money_rolling_over(client_as, fan):
    allocate(fan, MARCH, 405, {})
    page = client_as(fan).get("/supporter/?month=2026-03").content.decode()
    assert "No engagement this month: your €4.05 rolls over to next month." in page


def test_the_page_opens_on_the_latest_shared_month(client_as, fan, alice):
    allocate(fan, date(2026, 2, 1), 405, {alice.artist_profile: (405, 3)})
    page = client_as(fan).get("/supporter/").content.decode()
    assert "February 2026" in page and "€4.05" in page


def test_nobody_sees_another_supporters_allocation(client_as, fan, alice, bob):
    allocate(fan, MARCH, 400, {alice.artist_profile: (400, 9)})
    page = client_as(bob).get("/supporter/?month=2026-03").content.decode()
    assert "€4" not in page and "Alice Strings" not in page


def test_a_bad_month_is_refused_with_a_clear_message(client_as, fan):
    response = client_as(fan).get("/supporter/?month=2026-00")
    assert response.status_code == 400
    assert "Give a month as YYYY-MM, for example 2026-11." in response.content.decode()


def test_cancelling_without_a_subscription_says_so(client_as, fan):
    response = client_as(fan).post("/supporter/cancel/", follow=True)
    assert response.redirect_chain == [("/supporter/", 302)]
    assert "You are not a supporter." in response.content.decode()


def test_cancelling_says_when_the_support_ends(client_as, fan, monkeypatch):
    Supporter.objects.create(user=fan, status=SupporterStatus.ACTIVE, subscription_id="sub_1")
    monkeypatch.setattr(
        payments, "cancel_subscription", lambda sub: subscription("active", cancel_at_period_end=True)
    )
    response = client_as(fan).post("/supporter/cancel/", follow=True)
    page = response.content.decode()
    assert "Your support ends on 30 April 2026." in page
    assert "Keep supporting" not in page  # no Stripe keys: nothing to resume with
    assert Supporter.objects.get(user=fan).cancel_at_period_end


def test_subscribing_without_stripe_says_it_is_unavailable(client_as, fan):
    response = client_as(fan).post("/supporter/subscribe/", follow=True)
    assert "Supporting is not available on this site right now." in response.content.decode()
    assert not Supporter.objects.exists()


def test_the_page_asks_a_fan_who_is_not_supporting_for_a_card(client_as, fan, stripe_keys):
    response = client_as(fan).get("/supporter/")
    page = response.content.decode()
    assert "data-supporter-form" in page
    assert f'action="{SUBSCRIBE_API}"' in page
    assert 'data-publishable-key="pk_test_pages"' in page
    assert '<script src="https://js.stripe.com/v3/"' in page
    assert "https://js.stripe.com" in response["Content-Security-Policy"]


def test_subscribing_with_a_card_that_asks_for_authentication_hands_the_secret_to_stripe_js(
    client_as, fan, stripe_keys, monkeypatch
):
    monkeypatch.setattr(payments, "create_customer", lambda **kwargs: "cus_1")
    monkeypatch.setattr(payments, "save_card", lambda customer, method: None)
    monkeypatch.setattr(
        payments,
        "create_subscription",
        lambda **kwargs: subscription("incomplete", client_secret="pi_9_secret_xyz"),
    )
    # The page's script, signed in by its session, pays through the API.
    response = client_as(fan).post(
        SUBSCRIBE_API, {"payment_method": "pm_card_threeDSecure2Required"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["client_secret"]) == ("incomplete", "pi_9_secret_xyz")
    assert Supporter.objects.get(user=fan).status == SupporterStatus.INCOMPLETE


def test_subscribing_without_a_card_names_the_card(client_as, fan, stripe_keys):
    response = client_as(fan).post(SUBSCRIBE_API, {}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["payment_method"]
    assert not Supporter.objects.exists()


def test_after_authentication_the_status_reads_stripe_until_it_shows_the_supporter(
    client_as, fan, stripe_keys, monkeypatch
):
    supporter = Supporter.objects.create(
        user=fan, status=SupporterStatus.INCOMPLETE, subscription_id="sub_1", client_secret="pi_9_secret_xyz"
    )
    reads = []
    monkeypatch.setattr("apps.tips.services.refresh_supporter", lambda user: reads.append(user))
    client = client_as(fan)
    waiting = client.get("/supporter/?part=status&waiting=1", headers={"HX-Request": "true"}).content.decode()
    assert "waiting for confirmation" in waiting
    assert 'hx-trigger="every 2s"' in waiting and "waiting=2" in waiting
    supporter.status, supporter.client_secret = SupporterStatus.ACTIVE, ""
    supporter.save()
    done = client.get("/supporter/?part=status&waiting=2", headers={"HX-Request": "true"}).content.decode()
    assert "Thank you for supporting local music!" in done
    assert "every 2s" not in done
    assert reads == [fan, fan]


def test_the_navigation_links_signed_in_users_to_the_supporter_page(client_as, fan):
    assert 'href="/supporter/"' in client_as(fan).get("/").content.decode()
