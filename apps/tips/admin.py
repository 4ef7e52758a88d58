"""The money back office: what came in, where it went and what was sent out, read-only.

Money moves only through the services (Stripe's webhooks, the monthly split, payouts), so
nothing here adds, edits or deletes a row; the one action re-sends a payout through them.
None of these models' permissions belong to the curator or venue staff groups: payment
data is for superusers and whoever is granted the tips permissions explicitly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from apps.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from . import services
from .connect import StripeUnavailable
from .models import (
    LedgerEntry,
    Payout,
    PayoutStatus,
    Supporter,
    SupporterAllocation,
    SupporterPayment,
    SupporterShare,
    Tip,
)
from .money import format_money
from .periods import parse_month
from .tasks import RETRY_WINDOW


def money(field: str, description: str) -> Callable[[admin.ModelAdmin, Model], str]:
    @admin.display(description=description, ordering=field)
    def show(self: admin.ModelAdmin, obj: Model) -> str:
        return format_money(getattr(obj, field), obj.currency)

    return show


class PeriodFilter(admin.SimpleListFilter):
    """Supporter money counts per calendar month; a date filter's "past 7 days" means nothing here."""

    title = "month"
    parameter_name = "period"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        months = model_admin.model.objects.exclude(period=None).dates("period", "month", order="DESC")
        return [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        try:
            month = parse_month(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(period=month)


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "artist",
        "amount_shown",
        "status",
        "refunded_shown",
        "payer",
        "performance",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["artist__stage_name", "payment_intent_id", "public_id", "payer__email"]
    date_hierarchy = "created_at"
    list_select_related = ["artist", "payer", "performance"]
    # The client secret lets a browser confirm the payment; nobody else needs to see it.
    exclude = ["client_secret"]

    amount_shown = money("amount", "Amount")
    refunded_shown = money("amount_refunded", "Refunded")


@admin.register(Supporter)
class SupporterAdmin(ReadOnlyAdmin):
    list_display = ["user", "status", "cancel_at_period_end", "current_period_end", "created_at"]
    list_filter = ["status", "cancel_at_period_end"]
    search_fields = ["user__email", "customer_id", "subscription_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    exclude = ["client_secret"]


@admin.register(SupporterPayment)
class SupporterPaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "paid_at",
        "supporter",
        "month",
        "amount_shown",
        "processor_fee_shown",
        "platform_share_shown",
        "net_shown",
    ]
    list_filter = [PeriodFilter, "currency"]
    search_fields = ["invoice_id", "supporter__email"]
    date_hierarchy = "paid_at"
    list_select_related = ["supporter"]

    amount_shown = money("amount", "Paid")
    processor_fee_shown = money("processor_fee", "Card fee")
    platform_share_shown = money("platform_share", "Platform share")

    @admin.display(description="Month", ordering="period")
    def month(self, payment: SupporterPayment) -> str:
        return f"{payment.period:%Y-%m}"

    @admin.display(description="Net to share")
    def net_shown(self, payment: SupporterPayment) -> str:
        return format_money(payment.net, payment.currency)


class SupporterShareInline(ReadOnlyTabularInline):
    model = SupporterShare
    fields = ["artist", "amount_shown", "plays", "likes", "votes", "views", "engagement"]
    readonly_fields = fields

    amount_shown = money("amount", "Share")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("artist")


@admin.register(SupporterAllocation)
class SupporterAllocationAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "supporter",
        "available_shown",
        "allocated_shown",
        "rolled_over_shown",
        "created_at",
    ]
    list_filter = [PeriodFilter, "currency"]
    search_fields = ["supporter__email", "shares__artist__stage_name"]
    date_hierarchy = "period"
    list_select_related = ["supporter"]
    inlines = [SupporterShareInline]

    available_shown = money("available", "Available")
    allocated_shown = money("allocated", "Shared")
    rolled_over_shown = money("rolled_over", "Rolled over")

    @admin.display(description="Month", ordering="period")
    def month(self, allocation: SupporterAllocation) -> str:
        return f"{allocation.period:%Y-%m}"


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "artist", "amount_shown", "status", "transfer_id", "failure_message"]
    list_filter = ["status", "currency"]
    search_fields = ["artist__stage_name", "transfer_id"]
    date_hierarchy = "created_at"
    list_select_related = ["artist"]
    actions = ["retry_sending"]

    amount_shown = money("amount", "Amount")

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # The rows stay read-only; re-sending is what the change permission allows here.
        return request.user.has_perm("tips.change_payout")

    @admin.action(description="Retry sending (pending payouts only)", permissions=["retry"])
    def retry_sending(self, request: HttpRequest, queryset: QuerySet) -> None:
        oldest = timezone.now() - RETRY_WINDOW
        sent = 0
        for payout in queryset.select_related("artist").order_by("pk"):
            if payout.status != PayoutStatus.PENDING:
                self.message_user(request, f"Payout {payout.pk} is {payout.get_status_display().lower()}.")
                continue
            if payout.created_at < oldest:
                self.message_user(
                    request,
                    f"Payout {payout.pk} is over a day old, so Stripe would not recognise a retry: "
                    f"look for a transfer with metadata payout={payout.pk} in Stripe's dashboard first.",
                    messages.ERROR,
                )
                continue
            try:
                services.send_payout(payout)
            except StripeUnavailable as error:
                self.message_user(request, f"Payout {payout.pk}: {error}", messages.ERROR)
                continue
            sent += 1
        if sent:
            self.message_user(request, f"{sent} payout{'s' if sent != 1 else ''} sent.", messages.SUCCESS)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """Append-only: a mistake is corrected by a new entry, never by editing one."""

    list_display = ["created_at", "kind", "debit", "credit", "amount_shown", "month", "key"]
    list_filter = ["kind", PeriodFilter, "currency"]
    search_fields = [
        "key",
        "debit",
        "credit",
        "artist__stage_name",
        "tip__payment_intent_id",
        "supporter_payment__invoice_id",
    ]
    date_hierarchy = "created_at"

    amount_shown = money("amount", "Amount")

    @admin.display(description="Month", ordering="period")
    def month(self, entry: LedgerEntry) -> str:
        return f"{entry.period:%Y-%m}" if entry.period else "—"
