"""An artist's revenue: balance, payouts, and a statement of every cent, on the page and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from apps.accounts.models import PayoutStatus
from apps.tips import connect, ledger, payments, services
from apps.tips.models import EntryKind, Payout, SupporterAllocation, SupporterShare, Tip
from apps.tips.querysets import CARDS, PAYOUTS, artist_account, supporter_account
from tests.factories import UserFactory

LISBON = ZoneInfo(settings.TIME_ZONE)
MARCH = date(2026, 3, 1)


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 21, 30, tzinfo=LISBON)


def paid_tip(artist, payer, amount: int, *, message: str = "", day: int = 10, refund: int = 0) -> Tip:  # noqa: ANN001
    """A tip as the webhook leaves it: paid, its fee booked, and a refund if one is given."""
    n = Tip.objects.count() + 1
    tip = Tip.objects.create(
        artist=artist,
        payer=payer,
        payer_key=f"user:{payer.pk}",
        idempotency_key=f"key-{n:016d}",
        amount=amount,
        currency="eur",
        message=message,
        payment_intent_id=f"pi_{n}",
    )
    refunds = (payments.Refund(f"re_{n}", refund, "succeeded"),) if refund else ()
    with time_machine.travel(at(day), tick=False):
        state = payments.PaymentState(f"pi_{n}", "succeeded", amount, "eur", {}, refunds=refunds)
        return services.apply_payment_state(tip, state)


def csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.content.decode())))


def supporter_share(artist, fan, amount: int, month: date = MARCH) -> None:  # noqa: ANN001
    allocation = SupporterAllocation.objects.create(
        supporter=fan, period=month, currency="eur", available=amount, allocated=amount, rolled_over=0
    )
    share = SupporterShare.objects.create(
        allocation=allocation,
        supporter=fan,
        artist=artist,
        period=month,
        amount=amount,
        currency="eur",
        plays=4,
        likes=1,
        engagement=7,
    )
    ledger.post(
        key=f"share:{month:%Y-%m}:{fan.pk}:{artist.pk}",
        kind=EntryKind.SUPPORTER_SHARE,
        debit=supporter_account(fan.pk),
        credit=artist_account(artist.pk),
        amount=amount,
        currency="eur",
        period=month,
        artist=artist,
        supporter=fan,
        share=share,
        # Shares are booked once the month is over, for that month.
        created_at=at(1, month=month.month + 1),
    )


def payout(artist, amount: int, day: int) -> None:  # noqa: ANN001
    sent = Payout.objects.create(
        artist=artist, amount=amount, currency="eur", transfer_id="tr_1", status="paid"
    )
    ledger.post(
        key=f"payout:{sent.pk}",
        kind=EntryKind.PAYOUT,
        debit=artist_account(artist.pk),
        credit=PAYOUTS,
        amount=amount,
        currency="eur",
        artist=artist,
        payout=sent,
        created_at=at(day),
    )


@pytest.fixture
def march(alice, bob):
    """Alice's money: €5 in February, then in March tips, a refund, a supporter share and a payout."""
    artist = alice.artist_profile
    fan = UserFactory(display_name="Fran")
    ledger.post(
        key="february-tip",
        kind=EntryKind.TIP,
        debit=CARDS,
        credit=artist_account(artist.pk),
        amount=500,
        currency="eur",
        artist=artist,
        created_at=at(20, month=2),
    )
    paid_tip(artist, bob, 1000, message="Bravo", day=5)  # +1000, fee −40
    paid_tip(artist, fan, 600, day=8, refund=600)  # +600, fee −34, refund −600
    supporter_share(artist, fan, 250)
    payout(artist, 400, day=25)
    return artist


def test_the_revenue_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/me/revenue/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_revenue_page_and_its_csv_send_non_artists_to_make_a_profile(client_as, personas):
    client = client_as(personas.curator)
    for url in ("/me/revenue/", "/me/revenue/statement.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/me/artist/new/"


def test_the_statement_shows_every_line_and_reconciles(client_as, alice, march):
    response = client_as(alice).get("/me/revenue/?month=2026-03")
    assert response.status_code == 200
    statement = response.context["statement"]
    assert statement.opening_balance == 500
    assert [line.amount for line in statement.lines] == [1000, -40, 600, -34, -600, -400, 250]
    assert (
        statement.opening_balance + sum(line.amount for line in statement.lines) == statement.closing_balance
    )
    assert statement.closing_balance == 1276 == services.artist_balance(march)
    page = response.content.decode()
    assert "Statement for March 2026" in page
    assert "Bob: “Bravo”" in page
    assert "Card processing fee" in page and "Tip refunded" in page and "Supporter share" in page
    assert "+€10" in page and "−€0.40" in page and "−€4" in page
    assert "€5" in page and "€12.76" in page


def test_the_totals_by_source_add_up_to_the_months_change(client_as, alice, march):
    response = client_as(alice).get("/me/revenue/?month=2026-03")
    totals = dict(response.context["totals"])
    assert totals == {"Tips": 1600, "Supporter shares": 250, "Fees": -74, "Refunds": -600, "Payouts": -400}
    statement = response.context["statement"]
    assert sum(totals.values()) == statement.closing_balance - statement.opening_balance


def test_the_next_month_opens_with_the_last_months_closing_balance(client_as, alice, march):
    statement = client_as(alice).get("/me/revenue/?month=2026-04").context["statement"]
    assert statement.opening_balance == statement.closing_balance == 1276
    assert statement.lines == []


def test_the_page_defaults_to_this_month_and_links_the_months_around_it(client_as, alice):
    with time_machine.travel(at(14), tick=False):
        page = client_as(alice).get("/me/revenue/").content.decode()
    assert "Statement for March 2026" in page
    assert "?month=2026-02" in page
    assert "?month=2026-04" not in page  # no statements from the future
    assert "/me/revenue/statement.csv?month=2026-03" in page


def test_an_artist_sees_only_their_own_money(client_as, bob, march):
    response = client_as(bob).get("/me/revenue/?month=2026-03")
    assert response.context["statement"].lines == []
    assert "Bravo" not in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "March", "2026-3-1", "1999-12"])
def test_a_bad_month_is_refused_with_a_clear_message(client_as, alice, month):
    client = client_as(alice)
    page = client.get(f"/me/revenue/?month={month}")
    assert page.status_code == 400
    assert "Give a month as YYYY-MM, for example 2026-11." in page.content.decode()
    export = client.get(f"/me/revenue/statement.csv?month={month}")
    assert export.status_code == 400
    assert export.content.decode() == "Give a month as YYYY-MM, for example 2026-11."


def test_the_csv_has_a_header_the_balances_and_one_row_per_line(client_as, alice, march):
    response = client_as(alice).get("/me/revenue/statement.csv?month=2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="encore-statement-alice-strings-2026-03.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["date", "kind", "label", "detail", "amount_minor", "amount", "reference"]
    assert rows[1] == ["2026-03-01", "opening_balance", "Opening balance", "", "500", "€5", ""]
    assert rows[-1] == ["2026-03-31", "closing_balance", "Closing balance", "", "1276", "€12.76", ""]
    lines = rows[2:-1]
    assert [row[1] for row in lines] == [
        "tip",
        "tip_fee",
        "tip",
        "tip_fee",
        "tip_refund",
        "payout",
        "supporter_share",
    ]
    tip = Tip.objects.get(message="Bravo")
    assert lines[0] == ["2026-03-05", "tip", "Tip", "Bob: “Bravo”", "1000", "€10", f"tip {tip.public_id}"]
    assert lines[1][4:6] == ["-40", "−€0.40"]
    assert sum(int(row[4]) for row in rows[1:-1]) == int(rows[-1][4])


def test_a_formula_in_a_tip_message_is_not_run_by_spreadsheets(client_as, alice, bob):
    paid_tip(alice.artist_profile, bob, 500, message="=HYPERLINK(1)")
    client = client_as(alice)
    rows = csv_rows(client.get("/me/revenue/statement.csv?month=2026-03"))
    assert rows[2][3] == "Bob: “=HYPERLINK(1)”"
    bob.display_name = "=cmd"
    bob.save()
    rows = csv_rows(client.get("/me/revenue/statement.csv?month=2026-03"))
    assert rows[2][3].startswith("'=cmd")


def test_a_tip_refreshes_the_statement_region_and_the_balance_alone(client_as, alice, march):
    response = client_as(alice).get(
        "/me/revenue/?month=2026-03&part=statement", headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="statement"')
    assert 'id="balance"' in page and 'hx-swap-oob="true"' in page
    assert "<h1>" not in page


def test_the_statement_region_listens_for_tips(client_as, alice):
    page = client_as(alice).get("/me/revenue/").content.decode()
    assert 'hx-trigger="encore:tip from:document"' in page
    assert "js/tips.js" in page


def test_paying_out_without_a_payout_account_says_to_connect_one(client_as, alice, march):
    response = client_as(alice).post("/me/payouts/", follow=True)
    assert "Connect a payout account before asking for a payout." in response.content.decode()
    assert Payout.objects.count() == 1


def test_setting_up_payouts_without_stripe_says_they_are_unavailable(client_as, alice):
    response = client_as(alice).post("/me/payouts/connect/", follow=True)
    assert response.redirect_chain == [("/me/revenue/", 302)]
    assert "Payouts aren&#x27;t available on this site right now." in response.content.decode()


def test_setting_up_payouts_sends_the_artist_to_stripe_with_the_sites_return_urls(
    client_as, alice, monkeypatch
):
    asked = {}

    def onboarding(artist, *, refresh_url, return_url):  # noqa: ANN001, ANN202
        asked.update(artist=artist, refresh_url=refresh_url, return_url=return_url)
        return "https://connect.stripe.com/setup/e/acct_1/abc"

    monkeypatch.setattr(connect, "stripe_configured", lambda: True)
    monkeypatch.setattr(services, "start_payout_onboarding", onboarding)
    client = client_as(alice)
    for method, url in [("post", "/me/payouts/connect/"), ("get", "/me/payouts/refresh/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"] == "https://connect.stripe.com/setup/e/acct_1/abc"
    assert asked == {
        "artist": alice.artist_profile,
        "refresh_url": "http://testserver/me/payouts/refresh/",
        "return_url": "http://testserver/me/payouts/return/",
    }


def test_a_refused_onboarding_shows_stripes_reason(client_as, alice, monkeypatch):
    def onboarding(artist, **urls):  # noqa: ANN001, ANN202
        raise connect.StripeUnavailable("Stripe could not start payout onboarding: account closed")

    monkeypatch.setattr(connect, "stripe_configured", lambda: True)
    monkeypatch.setattr(services, "start_payout_onboarding", onboarding)
    response = client_as(alice).post("/me/payouts/connect/", follow=True)
    assert "account closed" in response.content.decode()


def test_coming_back_from_stripe_shows_the_payout_status(client_as, alice, monkeypatch):
    artist = alice.artist_profile
    artist.stripe_account_id = "acct_1"
    artist.payout_status = PayoutStatus.PENDING
    artist.save()
    monkeypatch.setattr(connect, "account_payout_status", lambda account_id: PayoutStatus.ACTIVE)
    response = client_as(alice).get("/me/payouts/return/")
    assert response.status_code == 200
    assert "Payouts active" in response.content.decode()
    artist.refresh_from_db()
    assert artist.payout_status == PayoutStatus.ACTIVE


def test_paying_out_sends_the_balance_and_says_so(client_as, alice, march, monkeypatch, settings):
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_pages"
    march.stripe_account_id = "acct_1"
    march.payout_status = PayoutStatus.ACTIVE
    march.save()
    monkeypatch.setattr(connect, "create_transfer", lambda **kwargs: "tr_2")
    client = client_as(alice)
    assert "Pay out €12.76 now" in client.get("/me/revenue/").content.decode()
    response = client.post("/me/payouts/", follow=True)
    assert "€12.76 is on its way to your bank account." in response.content.decode()
    assert services.artist_balance(march) == 0


def test_the_navigation_links_artists_to_their_revenue(client_as, alice, personas):
    assert 'href="/me/revenue/"' in client_as(alice).get("/").content.decode()
