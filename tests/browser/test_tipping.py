"""A tip paid by card in one browser reaches the artist's statement in another.

Stripe here is localstripe on loopback: the tip page loads its stand-in Stripe.js, and
its signed webhooks go to the same app server the browsers use, so the tip's success
and the artist's live update come from the real webhook, not from the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Notification, NotificationKind
from apps.tips.localstripe import LocalStripe, register_webhook, seed_djstripe
from apps.tips.models import EntryKind, LedgerEntry, Tip, TipStatus
from apps.tips.querysets import artist_account
from tests.factories import ArtistProfileFactory, UserFactory
from tests.stripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.browser

TEST_CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "34", "cvc": "123"}
# Stripe's test card that always asks for 3-D Secure (localstripe knows it too).
THREE_D_SECURE_CARD = "4000002760003184"
# A €5 tip less the card fee (1.5 % rounded up, plus 25 cents).
TIP, FEE = 500, 33


@pytest.fixture
def stripe_for_browsers(
    stripe_sdk: LocalStripe,
    app_server: Any,
    transactional_db: None,
    settings: Any,
) -> Iterator[LocalStripe]:
    """Stripe on localstripe, its Stripe.js served to the pages and its webhooks sent to ``app_server``."""
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.DJSTRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # The page's script and its Content-Security-Policy both follow this setting.
    settings.STRIPE_JS_URL = f"{stripe_sdk.url}/js.stripe.com/v3/"
    webhook_url = seed_djstripe(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, site_url=app_server.url)
    register_webhook(stripe_sdk.url, webhook_url, WEBHOOK_SECRET)
    try:
        yield stripe_sdk
    finally:
        # A delivery still on its way would land after the database is emptied.
        stripe_sdk.wait_for_webhooks()
        stripe_sdk.forget_webhooks()


def test_a_visitor_tips_with_a_test_card_and_the_artist_sees_it_live(stripe_for_browsers, open_page):
    artist = ArtistProfileFactory(stage_name="Marta Fado", slug="marta-fado")

    revenue = open_page("/me/revenue/", user=artist.user)
    statement = revenue.locator("#statement")
    expect(statement).to_contain_text("No money moved")
    expect(revenue.locator("[data-closing]")).to_have_text("€0")
    # The artist's page is on its socket (it has had its snapshot) before the tip is sent.
    revenue.wait_for_function("() => window.Encore && window.Encore.me && window.Encore.me.seqs !== null")

    visitor = open_page("/artists/marta-fado/tip/")
    form = visitor.locator("[data-tip-form]")
    form.get_by_role("radio", name="€5", exact=True).check()
    form.get_by_label("Message").fill("For the Alfama set")
    # localstripe's card element: one plain input per field, named by its placeholder.
    card = form.locator("[data-card]")
    for field, value in TEST_CARD.items():
        card.locator(f"input[placeholder={field}]").fill(value)
    send = form.get_by_role("button", name="Send tip")
    expect(send).to_be_enabled()
    send.click()

    # Only the webhook makes the tip succeed; the page waits for the server to say so.
    expect(form.locator("[data-tip-status]")).to_have_text(
        "Thank you! Your tip reached Marta Fado.", timeout=15_000
    )
    expect(form.locator("[data-card-errors]")).to_be_empty()

    # The artist's statement redrew itself from the notification: same page, no reload.
    tip_line = statement.locator("tr.kind-tip")
    expect(tip_line).to_contain_text("+€5", timeout=10_000)
    expect(tip_line).to_contain_text("For the Alfama set")
    expect(statement.locator("tr.kind-tip_fee")).to_contain_text("−€0.33")
    expect(revenue.locator("[data-closing]")).to_have_text("€4.67")
    expect(revenue.locator("#balance .stat")).to_have_text("€4.67")
    expect(revenue.locator("[data-toasts]")).to_contain_text(re.compile(r"You got a €5 tip"))
    assert revenue.evaluate("() => performance.getEntriesByType('navigation').length") == 1

    # On SQLite the app server's writes lock the tables: read once every delivery is in.
    stripe_for_browsers.wait_for_webhooks()
    tip = Tip.objects.get()
    assert (tip.status, tip.amount, tip.artist_id) == (TipStatus.SUCCEEDED, TIP, artist.pk)
    # An anonymous visitor: the tip is filed under their browser's session, not an account.
    assert tip.payer_id is None
    assert tip.payer_key.startswith("session:")
    assert tip.message == "For the Alfama set"
    booked = sorted(LedgerEntry.objects.filter(tip=tip).values_list("kind", "amount"))
    assert booked == sorted([(EntryKind.TIP, TIP), (EntryKind.TIP_FEE, FEE)])
    assert LedgerEntry.objects.balance(artist_account(artist.pk)) == TIP - FEE
    note = Notification.objects.get(recipient=artist.user, kind=NotificationKind.TIP_RECEIVED)
    assert note.data["tip"] == str(tip.public_id)


def fill_card(form: Any, number: str) -> None:
    card = form.locator("[data-card]")
    for field, value in {**TEST_CARD, "number": number}.items():
        card.locator(f"input[placeholder={field}]").fill(value)


def test_a_typed_amount_is_checked_on_the_page_and_by_the_api_and_sent_in_cents(
    stripe_for_browsers, open_page
):
    ArtistProfileFactory(stage_name="Marta Fado", slug="marta-fado")
    visitor = open_page("/artists/marta-fado/tip/")
    form = visitor.locator("[data-tip-form]")
    amount_errors = form.locator("#id_amount-errors")
    status = form.locator("[data-tip-status]")
    fill_card(form, TEST_CARD["number"])
    send = form.get_by_role("button", name="Send tip")
    expect(send).to_be_enabled()

    # Not an amount at all: the page says so without asking the server.
    form.get_by_label("Other amount in €").fill("five")
    send.click()
    expect(amount_errors).to_have_text("Give the amount in €, like 7 or 7.50.")
    # An amount below the limit: the API's answer is shown on the amount.
    form.get_by_label("Other amount in €").fill("0,50")
    send.click()
    expect(amount_errors).to_have_text("A tip is from €1 to €500.")
    assert not Tip.objects.exists()

    form.get_by_label("Other amount in €").fill("€ 7,50")
    send.click()
    expect(status).to_have_text("Thank you! Your tip reached Marta Fado.", timeout=15_000)
    expect(amount_errors).to_be_empty()
    stripe_for_browsers.wait_for_webhooks()
    assert Tip.objects.get().amount == 750


def test_a_signed_in_fan_whose_card_asks_for_3d_secure_authenticates_with_stripe_js(
    stripe_for_browsers, open_page
):
    artist = ArtistProfileFactory(stage_name="Marta Fado", slug="marta-fado")
    fan = UserFactory(display_name="Bea")
    visitor = open_page("/artists/marta-fado/tip/", user=fan)
    form = visitor.locator("[data-tip-form]")
    form.get_by_role("radio", name="€10", exact=True).check()
    fill_card(form, THREE_D_SECURE_CARD)
    send = form.get_by_role("button", name="Send tip")
    expect(send).to_be_enabled()
    send.click()

    # The API answered requires_action: Stripe.js (here localstripe's) asks the bank.
    visitor.get_by_role("button", name="Complete authentication").click()
    expect(form.locator("[data-tip-status]")).to_have_text(
        "Thank you! Your tip reached Marta Fado.", timeout=15_000
    )
    stripe_for_browsers.wait_for_webhooks()
    tip = Tip.objects.get()
    assert (tip.status, tip.amount, tip.artist_id) == (TipStatus.SUCCEEDED, 1000, artist.pk)
    assert (tip.payer, tip.payer_key) == (fan, f"user:{fan.pk}")
