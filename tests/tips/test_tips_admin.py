"""The money back office: read-only, for superusers and people granted the tips permissions only.

Curators and venue staff use the same admin, and must never see who paid what.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import stripe
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from apps.accounts.models import PayoutStatus as ArtistPayoutStatus
from apps.accounts.roles import CURATORS, VENUE_STAFF
from apps.media.models import Play
from apps.tips import services
from apps.tips.connect import StripeUnavailable
from apps.tips.models import LedgerEntry, Payout, PayoutStatus, SupporterAllocation, Tip
from apps.tips.payments import PaymentState
from tests import stripe_recorded
from tests.factories import ArtistProfileFactory, TrackFactory, UserFactory

recorded_stripe = stripe_recorded.recorded_stripe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_refusals")]

LISBON = ZoneInfo("Europe/Lisbon")
JULY = date(2025, 7, 1)
ACCOUNT_ID = "acct_1RkQ7yPx4TmC2wZn"
PAYMENT_INTENT_ID = "pi_3RmZ3hLm8YvB6cQe1AbCdEfG"
INVOICE_ID = "in_1RmZ3hLm8YvB6cQeJuly"
MODELS = ["tip", "supporter", "supporterpayment", "supporterallocation", "payout", "ledgerentry"]


def url(name: str, *args) -> str:  # noqa: ANN002
    return reverse(f"admin:tips_{name}", args=args)


@pytest.fixture
def money(settings, recorded_stripe, monkeypatch):
    """A paid tip, a supporter's July split to the same artist, and a payout whose transfer
    request never got an answer, so it waits to be sent again."""
    settings.TIME_ZONE = "Europe/Lisbon"
    settings.TIPS_CURRENCY = "eur"
    settings.STRIPE_FEE_BASIS_POINTS = 200
    settings.STRIPE_FEE_FIXED = 40
    settings.SUPPORTER_PLATFORM_SHARE_BASIS_POINTS = 1000
    settings.PAYOUT_MINIMUM_AMOUNT = 500
    artist = ArtistProfileFactory(
        stage_name="Marta Lume", payout_status=ArtistPayoutStatus.ACTIVE, stripe_account_id=ACCOUNT_ID
    )
    fan = UserFactory(email="sue@example.com")
    tip = Tip.objects.create(
        artist=artist,
        payer=fan,
        payer_key=f"user:{fan.pk}",
        idempotency_key=uuid.uuid4().hex,
        amount=750,
        currency="eur",
        payment_intent_id=PAYMENT_INTENT_ID,
        client_secret=f"{PAYMENT_INTENT_ID}_secret_DoNotShowThis",
    )
    tip = services.apply_payment_state(
        tip, PaymentState(id=PAYMENT_INTENT_ID, status="succeeded", amount=750, currency="eur", metadata={})
    )
    payment = services.record_supporter_payment(
        fan,
        invoice_id=INVOICE_ID,
        amount=500,
        currency="eur",
        paid_at=datetime(2025, 7, 1, 9, tzinfo=LISBON),
    )
    Play.objects.create(
        track=TrackFactory(artist=artist),
        user=fan,
        listener=f"u:{fan.pk}",
        created_at=datetime(2025, 7, 3, 20, tzinfo=LISBON),
    )
    services.split_supporter_money(JULY)

    def unreachable(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise stripe.APIConnectionError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(recorded_stripe, "request", unreachable)
        patch.setattr(stripe, "max_network_retries", 0)
        with pytest.raises(StripeUnavailable):
            services.pay_out(artist)
    recorded_stripe.requests.clear()
    return SimpleNamespace(
        artist=artist,
        fan=fan,
        tip=tip,
        payment=payment,
        allocation=SupporterAllocation.objects.get(),
        payout=Payout.objects.get(),
        entry=LedgerEntry.objects.order_by("id").first(),
    )


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def finance():
    """Staff granted the tips view permissions one by one: payment data, nothing else."""
    user = UserFactory(email="finance@example.com", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="tips", codename__startswith="view_")
    )
    return user


def test_no_back_office_group_holds_a_tips_permission():
    for name in (CURATORS, VENUE_STAFF):
        granted = Group.objects.get(name=name).permissions.filter(content_type__app_label="tips")
        assert list(granted.values_list("codename", flat=True)) == [], name


def test_curators_and_venue_staff_cannot_reach_any_tips_page(client, personas, money):
    objects = {
        "tip": money.tip,
        "supporter": None,
        "supporterpayment": money.payment,
        "supporterallocation": money.allocation,
        "payout": money.payout,
        "ledgerentry": money.entry,
    }
    for user in (personas.curator, personas.venue_staff):
        client.force_login(user)
        index = client.get(reverse("admin:index"))
        assert index.status_code == 200
        assert "Tips and supporter payouts" not in index.content.decode()
        assert client.get(reverse("admin:app_list", args=["tips"])).status_code == 404
        for model in MODELS:
            assert client.get(url(f"{model}_changelist")).status_code == 403, (user, model)
            if objects[model] is not None:
                assert client.get(url(f"{model}_change", objects[model].pk)).status_code == 403, (user, model)


def test_signed_out_visitors_are_sent_to_the_admin_login(client, money):
    response = client.get(url("ledgerentry_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_superuser_lists_every_model_with_amounts_in_money(client, superuser, money):
    client.force_login(superuser)
    pages = {model: client.get(url(f"{model}_changelist")) for model in MODELS}

    assert {model: page.status_code for model, page in pages.items()} == dict.fromkeys(MODELS, 200)
    assert "€7.50" in pages["tip"].content.decode()
    assert "€5" in pages["supporterpayment"].content.decode()
    assert "€4" in pages["supporterallocation"].content.decode()
    assert "€10.95" in pages["payout"].content.decode()
    assert f"invoice:{INVOICE_ID}:paid" in pages["ledgerentry"].content.decode()


def test_granted_staff_see_payment_data(client, finance, money):
    client.force_login(finance)
    for model in MODELS:
        assert client.get(url(f"{model}_changelist")).status_code == 200, model


@pytest.mark.parametrize(
    ("model", "query", "found", "missing"),
    [
        ("tip", {"q": PAYMENT_INTENT_ID}, "€7.50", None),
        ("tip", {"q": "Marta Lume"}, "€7.50", None),
        ("tip", {"q": "nobody"}, "0 tips", "€7.50"),
        ("supporterpayment", {"q": INVOICE_ID}, "2025-07", None),
        ("ledgerentry", {"q": f"invoice:{INVOICE_ID}:fee"}, "1 ledger entry", None),
        ("ledgerentry", {"q": INVOICE_ID}, "3 ledger entries", None),
        ("ledgerentry", {"q": PAYMENT_INTENT_ID}, "2 ledger entries", None),
        ("ledgerentry", {"period": "2025-07", "kind": "supporter_share"}, "1 ledger entry", None),
        ("ledgerentry", {"period": "2025-06"}, "0 ledger entries", None),
        ("supporterallocation", {"q": "Marta Lume"}, "1 supporter allocation", None),
        ("supporterallocation", {"q": "nobody"}, "0 supporter allocations", None),
        ("payout", {"status": "pending", "currency": "eur"}, "Marta Lume", None),
    ],
)
def test_search_and_filters_find_what_finance_looks_for(
    client, superuser, money, model, query, found, missing
):
    client.force_login(superuser)
    page = client.get(url(f"{model}_changelist"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert found in html
    if missing:
        assert missing not in html


def test_the_details_are_shown_read_only_without_secrets(client, superuser, money):
    client.force_login(superuser)
    tip = client.get(url("tip_change", money.tip.pk)).content.decode()
    assert PAYMENT_INTENT_ID in tip
    assert "DoNotShowThis" not in tip
    assert 'name="_save"' not in tip
    allocation = client.get(url("supporterallocation_change", money.allocation.pk)).content.decode()
    assert "Marta Lume" in allocation and "€4" in allocation


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_added_changed_or_deleted_from_the_admin(client, superuser, money, model):
    client.force_login(superuser)
    obj = {
        "tip": money.tip,
        "supporter": None,
        "supporterpayment": money.payment,
        "supporterallocation": money.allocation,
        "payout": money.payout,
        "ledgerentry": money.entry,
    }[model]
    assert client.get(url(f"{model}_add")).status_code == 403
    if obj is not None:
        before = LedgerEntry.objects.count()
        assert client.post(url(f"{model}_change", obj.pk), {"amount": 1}).status_code == 403
        assert client.post(url(f"{model}_delete", obj.pk), {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()
        assert LedgerEntry.objects.count() == before
    changelist = client.get(url(f"{model}_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_a_ledger_entry_refuses_to_be_changed_or_deleted(money):
    entry = money.entry
    amount = entry.amount
    entry.amount = amount + 100
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never removed"):
        entry.delete()
    entry.refresh_from_db()
    assert entry.amount == amount


# --- retrying a payout from the admin --------------------------------------------------------


def retry(client, *payouts):  # noqa: ANN001, ANN002, ANN201
    return client.post(
        url("payout_changelist"),
        {"action": "retry_sending", ACTION_CHECKBOX_NAME: [p.pk for p in payouts]},
        follow=True,
    )


@pytest.fixture
def cut_off_payout(money):
    assert money.payout.status == PayoutStatus.PENDING
    return money.payout


def test_retry_sending_sends_a_pending_payout_with_its_own_key(
    client, superuser, cut_off_payout, recorded_stripe
):
    recorded_stripe.answer("POST", "/v1/transfers", "transfer")
    client.force_login(superuser)

    page = retry(client, cut_off_payout).content.decode()

    assert "1 payout sent." in page
    cut_off_payout.refresh_from_db()
    assert cut_off_payout.status == PayoutStatus.PAID
    (sent,) = recorded_stripe.requests
    assert sent.idempotency_key == f"payout:{cut_off_payout.pk}"


def test_retry_sending_leaves_settled_payouts_alone(client, superuser, cut_off_payout, recorded_stripe):
    Payout.objects.filter(pk=cut_off_payout.pk).update(status=PayoutStatus.FAILED)
    client.force_login(superuser)

    page = retry(client, cut_off_payout).content.decode()

    assert f"Payout {cut_off_payout.pk} is failed" in page
    assert recorded_stripe.requests == []


def test_retry_sending_reports_a_refusal(client, superuser, cut_off_payout, recorded_stripe):
    recorded_stripe.answer("POST", "/v1/transfers", "error_balance_insufficient", status=400)
    client.force_login(superuser)

    page = retry(client, cut_off_payout).content.decode()

    assert "insufficient available funds" in page
    cut_off_payout.refresh_from_db()
    assert cut_off_payout.status == PayoutStatus.FAILED


def test_retry_sending_refuses_a_payout_stripe_would_no_longer_recognise(
    client, superuser, cut_off_payout, recorded_stripe
):
    client.force_login(superuser)
    with time_machine.travel(cut_off_payout.created_at + timedelta(hours=25)):
        page = retry(client, cut_off_payout).content.decode()

    assert "Stripe&#x27;s dashboard" in page or "Stripe's dashboard" in page
    assert recorded_stripe.requests == []


def test_staff_who_may_only_look_cannot_retry(client, finance, cut_off_payout, recorded_stripe):
    client.force_login(finance)

    changelist = client.get(url("payout_changelist")).content.decode()
    retry(client, cut_off_payout)

    assert "retry_sending" not in changelist
    assert recorded_stripe.requests == []
    cut_off_payout.refresh_from_db()
    assert cut_off_payout.status == PayoutStatus.PENDING
