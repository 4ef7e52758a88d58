from __future__ import annotations

import contextlib
import csv
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.decorators import artist_required
from apps.accounts.models import ArtistProfile
from apps.accounts.models import PayoutStatus as ArtistPayoutStatus
from apps.core.errors import Conflict
from apps.core.htmx import HtmxHttpRequest
from apps.performances.models import Performance, PerformanceStatus

from . import connect, payments, services
from .forms import CUSTOM, TipForm, currency_symbol
from .models import EntryKind, Supporter, SupporterAllocation, SupporterStatus
from .money import format_money
from .periods import month_of, next_month, parse_month, previous_month

STRIPE_JS_URL = "https://js.stripe.com/v3/"
TIPS_UNAVAILABLE = "Tipping isn't available on this site right now."
SUPPORT_UNAVAILABLE = "Supporting isn't available on this site right now."
PAYOUTS_UNAVAILABLE = "Payouts aren't available on this site right now."

# The statement's totals, by where the money came from; every kind that can touch an
# artist's balance is in exactly one group, so the totals add up to the month's change.
SOURCES = [
    ("Tips", {EntryKind.TIP}),
    ("Supporter shares", {EntryKind.SUPPORTER_SHARE}),
    ("Fees", {EntryKind.TIP_FEE, EntryKind.SUPPORTER_FEE, EntryKind.PLATFORM_SHARE}),
    ("Refunds", {EntryKind.TIP_REFUND}),
    ("Payouts", {EntryKind.PAYOUT, EntryKind.PAYOUT_REVERSAL}),
]


# --- Stripe.js ------------------------------------------------------------------------


def stripe_js_url() -> str:
    return getattr(settings, "STRIPE_JS_URL", STRIPE_JS_URL)


def stripe_csp() -> dict[str, list[str]]:
    """What Stripe.js needs from the Content-Security-Policy, for the pages that take a card.

    Only those pages load it, so the rest of the site keeps its strict policy.
    """
    parts = urlsplit(stripe_js_url())
    if parts.netloc == "js.stripe.com":
        # As Stripe documents it: the script, its card iframes, 3-D Secure and its API.
        return {
            "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
            "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
            "connect-src": ["https://api.stripe.com"],
            "img-src": ["https://*.stripe.com"],
        }
    # A local Stripe (localstripe) serves its script and its API from one origin.
    origin = f"{parts.scheme}://{parts.netloc}"
    return {"script-src": [origin], "frame-src": [origin], "connect-src": [origin]}


def with_stripe_js(response: HttpResponseBase) -> HttpResponseBase:
    response._csp_update = stripe_csp()  # type: ignore[attr-defined]
    return response


def stripe_context() -> dict[str, str]:
    return {"stripe_js_url": stripe_js_url(), "publishable_key": settings.STRIPE_PUBLISHABLE_KEY}


# --- tipping ----------------------------------------------------------------------------


def _performance_for(artist: ArtistProfile, value: str | None) -> Performance | None:
    if not value or not value.isdigit():
        return None
    return (
        Performance.objects.filter(pk=int(value), artist=artist)
        .exclude(status=PerformanceStatus.CANCELLED)
        .first()
    )


@require_GET
def tip(request: HtmxHttpRequest, slug: str) -> HttpResponseBase:
    # The page's script starts and pays the tip through the API (/api/v1/tips/).
    artist = get_object_or_404(ArtistProfile.objects.visible_to(request.user), slug=slug)
    performance = _performance_for(artist, request.GET.get("performance"))
    presets = list(settings.TIP_PRESET_AMOUNTS)
    initial = {"amount": presets[len(presets) // 2] if presets else CUSTOM}
    if performance:
        initial["performance"] = performance.pk
    available = services.tips_available()
    is_owner = request.user.is_authenticated and artist.user_id == request.user.pk
    context = {
        "artist": artist,
        "performance": performance,
        "form": TipForm(initial=initial),
        "presets": presets,
        "custom": CUSTOM,
        "currency_symbol": currency_symbol(),
        "min_amount": settings.TIP_MIN_AMOUNT,
        "max_amount": settings.TIP_MAX_AMOUNT,
        "available": available,
        "is_owner": is_owner,
        "unavailable_message": TIPS_UNAVAILABLE,
        **stripe_context(),
    }
    response = render(request, "tips/tip.html", context)
    return with_stripe_js(response) if available and not is_owner else response


# --- the artist's revenue ----------------------------------------------------------------

RECEIVE_MONEY = "Create your artist profile to receive tips and supporter money."


def _month(request: HtmxHttpRequest, default: date) -> date:
    value = request.GET.get("month", "")
    return parse_month(value) if value.strip() else default


def _totals(statement: services.Statement) -> list[tuple[str, int]]:
    totals = [(label, statement.total(*kinds)) for label, kinds in SOURCES]
    grouped = {kind for _, kinds in SOURCES for kind in kinds}
    other = sum(line.amount for line in statement.lines if line.kind not in grouped)
    return totals + ([("Other", other)] if other else [])


def _revenue_context(artist: ArtistProfile, month: date) -> dict[str, Any]:
    this_month = month_of(timezone.now())
    balance = services.artist_balance(artist)
    statement = services.artist_statement(artist, month)
    return {
        "artist": artist,
        "balance": balance,
        "statement": statement,
        "totals": _totals(statement),
        "month": month,
        "previous_month": previous_month(month),
        "next_month": next_month(month) if month < this_month else None,
        "payouts_available": connect.stripe_configured(),
        "payout_minimum": settings.PAYOUT_MINIMUM_AMOUNT,
        "can_pay_out": artist.payout_status == ArtistPayoutStatus.ACTIVE
        and balance >= settings.PAYOUT_MINIMUM_AMOUNT,
        "payouts": artist.payouts.all()[:5],
    }


@require_GET
@artist_required(RECEIVE_MONEY)
def revenue(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    try:
        month = _month(request, month_of(timezone.now()))
    except ValueError as exc:
        return render(request, "tips/revenue.html", {"artist": artist, "month_error": str(exc)}, status=400)
    context = _revenue_context(artist, month)
    if request.htmx and request.GET.get("part") == "statement":
        return render(request, "tips/revenue.html#live", context)
    return render(request, "tips/revenue.html", context)


def _csv_cell(value: str) -> str:
    # Spreadsheets run cells that start like a formula; a tip's message is the fan's text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_GET
@artist_required(RECEIVE_MONEY)
def revenue_statement_csv(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    try:
        month = _month(request, month_of(timezone.now()))
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    statement = services.artist_statement(artist, month)
    currency = statement.currency
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="encore-statement-{artist.slug}-{month:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["date", "kind", "label", "detail", "amount_minor", "amount", "reference"])
    last_day = next_month(month) - timedelta(days=1)
    writer.writerow(
        [
            month.isoformat(),
            "opening_balance",
            "Opening balance",
            "",
            statement.opening_balance,
            format_money(statement.opening_balance, currency),
            "",
        ]
    )
    for line in statement.lines:
        writer.writerow(
            [
                timezone.localtime(line.at).date().isoformat(),
                line.kind,
                _csv_cell(line.label),
                _csv_cell(line.detail),
                line.amount,
                format_money(line.amount, currency),
                _csv_cell(line.reference),
            ]
        )
    writer.writerow(
        [
            last_day.isoformat(),
            "closing_balance",
            "Closing balance",
            "",
            statement.closing_balance,
            format_money(statement.closing_balance, currency),
            "",
        ]
    )
    return response


# --- payouts ------------------------------------------------------------------------------


def _onboarding_url(request: HtmxHttpRequest, artist: ArtistProfile) -> str:
    """Stripe's page for the artist's payout details; it sends them back to the site's own URLs."""
    return services.start_payout_onboarding(
        artist,
        refresh_url=request.build_absolute_uri(reverse("payout-refresh")),
        return_url=request.build_absolute_uri(reverse("payout-return")),
    )


def _to_onboarding(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    if not connect.stripe_configured():
        messages.error(request, PAYOUTS_UNAVAILABLE)
        return redirect("revenue")
    try:
        url = _onboarding_url(request, artist)
    except connect.StripeUnavailable as exc:
        messages.error(request, f"Payouts can't be set up right now. {exc}")
        return redirect("revenue")
    return redirect(url)


@require_POST
@artist_required(RECEIVE_MONEY)
def payout_connect(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    return _to_onboarding(request, artist)


@require_GET
@artist_required(RECEIVE_MONEY)
def payout_refresh(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    # Stripe sends the artist here when an onboarding link has expired or was used.
    return _to_onboarding(request, artist)


@require_GET
@artist_required(RECEIVE_MONEY)
def payout_return(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    error = ""
    try:
        artist = services.refresh_payout_status(artist)
    except connect.StripeUnavailable as exc:
        error = f"We couldn't check your payout account with Stripe just now. {exc}"
    context = {"artist": artist, "error": error, "active": artist.payout_status == ArtistPayoutStatus.ACTIVE}
    return render(request, "tips/payout_return.html", context)


@require_POST
@artist_required(RECEIVE_MONEY)
def pay_out(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    try:
        payout = services.pay_out(artist)
    except Conflict as exc:
        messages.error(request, exc.message)
    except connect.StripeUnavailable as exc:
        messages.error(request, f"The payout didn't go through. {exc}")
    else:
        messages.success(
            request, f"{format_money(payout.amount, payout.currency)} is on its way to your bank account."
        )
    return redirect("revenue")


# --- supporters ---------------------------------------------------------------------------


def _supporter_month(request: HtmxHttpRequest, user: Any) -> date:
    latest = (
        SupporterAllocation.objects.filter(supporter=user)
        .order_by("-period")
        .values_list("period", flat=True)
    ).first()
    return _month(request, latest or previous_month(month_of(timezone.now())))


def _supporter_context(request: HtmxHttpRequest, month: date) -> dict[str, Any]:
    user = request.user
    supporter = Supporter.objects.filter(user=user).first()
    allocation = SupporterAllocation.objects.filter(supporter=user, period=month).first()
    shares = []
    if allocation is not None:
        shares = [
            (share, services.engagement_summary(share))
            for share in allocation.shares.select_related("artist").order_by("-amount", "artist__stage_name")
        ]
    this_month = month_of(timezone.now())
    waiting = request.GET.get("waiting", "")
    waiting = int(waiting) if waiting.isdigit() else 0
    return {
        "supporter": supporter,
        "available": services.tips_available(),
        "unavailable_message": SUPPORT_UNAVAILABLE,
        "fee": settings.SUPPORTER_MONTHLY_FEE,
        "month": month,
        "month_over": month < this_month,
        "previous_month": previous_month(month),
        "next_month": next_month(month) if month < this_month else None,
        "allocation": allocation,
        "shares": shares,
        # After the bank's authentication the page polls a while for Stripe's verdict.
        "waiting": waiting,
        "keep_waiting": 0 < waiting < 30,
        "confirming": waiting > 0
        and supporter is not None
        and supporter.status == SupporterStatus.INCOMPLETE,
        "can_subscribe": not (supporter and supporter.is_supporting),
        **stripe_context(),
    }


@require_GET
@login_required
def supporter(request: HtmxHttpRequest) -> HttpResponse:
    try:
        month = _supporter_month(request, request.user)
    except ValueError as exc:
        context = _supporter_context(request, previous_month(month_of(timezone.now())))
        context |= {"month_error": str(exc), "allocation": None, "shares": []}
        return render(request, "tips/supporter.html", context, status=400)
    if request.GET.get("waiting"):
        # Read the subscription back from Stripe, as its webhooks would; an outage just waits.
        with contextlib.suppress(payments.PaymentsUnavailable):
            services.refresh_supporter(request.user)
    context = _supporter_context(request, month)
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "tips/supporter.html#status", context)
    response = render(request, "tips/supporter.html", context)
    return with_stripe_js(response) if context["can_subscribe"] and context["available"] else response


@require_POST
@login_required
def supporter_subscribe(request: HtmxHttpRequest) -> HttpResponse:
    # The page's script pays by card through the API; this form resumes a cancelled subscription.
    try:
        supporter = services.become_supporter(
            request.user, payment_method=request.POST.get("payment_method", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.info(request, exc.message)
    except payments.PaymentsUnavailable as exc:
        messages.error(request, str(exc))
    else:
        if supporter.is_supporting:
            messages.success(request, "Thank you for supporting local music!")
    return redirect("supporter")


@require_POST
@login_required
def supporter_cancel(request: HtmxHttpRequest) -> HttpResponse:
    try:
        supporter = services.stop_supporting(request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    except payments.PaymentsUnavailable as exc:
        messages.error(request, str(exc))
    else:
        if supporter.status == SupporterStatus.CANCELED:
            messages.success(request, "Your subscription is cancelled. Nothing more will be charged.")
        elif supporter.current_period_end:
            ends = date_format(timezone.localdate(supporter.current_period_end), "j F Y")
            messages.success(request, f"Your support ends on {ends}. Thank you for supporting.")
        else:
            messages.success(request, "Your support ends at the end of the month you paid for.")
    return redirect("supporter")
