"""Tips, supporters and the ledger every balance is computed from.

Every amount is an integer number of minor units (cents) with its currency beside it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .querysets import LedgerEntryQuerySet, SupporterShareQuerySet, TipQuerySet


class TipStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the card"
    SUCCEEDED = "succeeded", "Paid"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class Tip(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.PROTECT, related_name="tips")
    performance = models.ForeignKey(
        "performances.Performance", null=True, blank=True, on_delete=models.SET_NULL, related_name="tips"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips_given"
    )
    payer_key = models.CharField(max_length=80, help_text="The signed-in payer, or an anonymous session.")
    idempotency_key = models.CharField(max_length=255)
    amount = models.PositiveIntegerField(help_text="Minor units (cents).")
    currency = models.CharField(max_length=3)
    message = models.CharField(max_length=140, blank=True)
    status = models.CharField(max_length=20, choices=TipStatus.choices, default=TipStatus.PENDING)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    client_secret = models.CharField(max_length=255, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    failure_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["payer_key", "idempotency_key"], name="tip_once_per_key"),
            models.UniqueConstraint(
                fields=["payment_intent_id"],
                condition=~Q(payment_intent_id=""),
                name="tip_one_payment_intent",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tip_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount")), name="tip_refund_within"
            ),
        ]
        indexes = [
            models.Index(fields=["artist", "-created_at"], name="tip_by_artist"),
            # Trending and daily stats read recent paid tips by when they were paid.
            models.Index(fields=["succeeded_at"], condition=Q(status="succeeded"), name="tip_paid_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.upper()} to {self.artist} ({self.status})"


class SupporterStatus(models.TextChoices):
    INCOMPLETE = "incomplete", "Waiting for the first payment"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Payment overdue"
    CANCELED = "canceled", "Cancelled"


class Supporter(models.Model):
    """A fan's monthly supporter subscription, mirrored from Stripe."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supporter")
    status = models.CharField(
        max_length=20, choices=SupporterStatus.choices, default=SupporterStatus.INCOMPLETE
    )
    customer_id = models.CharField(max_length=255, blank=True)
    subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    client_secret = models.CharField(max_length=255, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    current_period_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"

    @property
    def is_supporting(self) -> bool:
        return self.status in {SupporterStatus.ACTIVE, SupporterStatus.PAST_DUE}


class SupporterPayment(models.Model):
    """One paid supporter invoice: what came in, what the card network and the platform kept."""

    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invoice_id = models.CharField(max_length=255, unique=True)
    period = models.DateField(help_text="The first day of the month the payment counts for.")
    amount = models.PositiveIntegerField()
    processor_fee = models.PositiveIntegerField()
    platform_share = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()

    class Meta:
        ordering = ["-paid_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processor_fee__lte=models.F("amount") - models.F("platform_share")),
                name="supporter_payment_net_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.upper()} from {self.supporter} ({self.period:%Y-%m})"

    @property
    def net(self) -> int:
        return self.amount - self.processor_fee - self.platform_share


class SupporterAllocation(models.Model):
    """One supporter's monthly split: what was available, what went out, what rolled over."""

    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period = models.DateField()
    currency = models.CharField(max_length=3)
    available = models.PositiveIntegerField(help_text="Net fees plus what rolled over, in minor units.")
    allocated = models.PositiveIntegerField()
    rolled_over = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "supporter_id"]
        constraints = [
            models.UniqueConstraint(fields=["supporter", "period"], name="allocation_once_per_month"),
            models.CheckConstraint(
                condition=Q(available=models.F("allocated") + models.F("rolled_over")),
                name="allocation_accounts_for_every_cent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} {self.period:%Y-%m}: {self.allocated} of {self.available}"


class SupporterShare(models.Model):
    """What one artist earned from one supporter in one month, and the engagement behind it."""

    allocation = models.ForeignKey(SupporterAllocation, on_delete=models.PROTECT, related_name="shares")
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    artist = models.ForeignKey(
        "accounts.ArtistProfile", on_delete=models.PROTECT, related_name="supporter_shares"
    )
    period = models.DateField()
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    plays = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    engagement = models.PositiveIntegerField(help_text="Weighted, capped engagement points.")

    objects = SupporterShareQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "artist_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "supporter", "artist"], name="share_once_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to {self.artist} ({self.period:%Y-%m})"


class PayoutStatus(models.TextChoices):
    PENDING = "pending", "Sending"
    PAID = "paid", "Sent"
    FAILED = "failed", "Failed"


class Payout(models.Model):
    """A transfer of an artist's balance to their connected Stripe account."""

    artist = models.ForeignKey("accounts.ArtistProfile", on_delete=models.PROTECT, related_name="payouts")
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    transfer_id = models.CharField(max_length=255, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.upper()} to {self.artist} ({self.status})"


class EntryKind(models.TextChoices):
    TIP = "tip", "Tip"
    TIP_FEE = "tip_fee", "Card processing fee"
    TIP_REFUND = "tip_refund", "Tip refunded"
    SUPPORTER_PAYMENT = "supporter_payment", "Supporter payment"
    SUPPORTER_FEE = "supporter_fee", "Card processing fee"
    PLATFORM_SHARE = "platform_share", "Platform share"
    SUPPORTER_SHARE = "supporter_share", "Supporter share"
    PAYOUT = "payout", "Payout"
    PAYOUT_REVERSAL = "payout_reversal", "Payout returned"


class LedgerEntry(models.Model):
    """One movement of money from one account to another; rows are never changed or removed.

    Accounts are names: ``cards`` (money from and back to cards), ``processor`` (card fees),
    ``platform``, ``payouts`` (sent to artists' banks), ``artist:<id>`` and ``supporter:<user id>``.
    """

    key = models.CharField(
        max_length=200, unique=True, help_text="One movement, one row, however often it is seen."
    )
    kind = models.CharField(max_length=30, choices=EntryKind.choices)
    debit = models.CharField(max_length=40, help_text="The account the money leaves.")
    credit = models.CharField(max_length=40, help_text="The account the money reaches.")
    amount = models.PositiveBigIntegerField(help_text="Minor units (cents).")
    currency = models.CharField(max_length=3)
    period = models.DateField(
        null=True, blank=True, help_text="For supporter money: the month it belongs to."
    )
    artist = models.ForeignKey(
        "accounts.ArtistProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tip = models.ForeignKey(
        Tip, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    supporter_payment = models.ForeignKey(
        SupporterPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    share = models.ForeignKey(
        SupporterShare, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=~Q(debit=models.F("credit")), name="ledger_moves_between_accounts"
            ),
        ]
        indexes = [
            models.Index(fields=["debit"], name="ledger_debit"),
            models.Index(fields=["credit"], name="ledger_credit"),
            models.Index(fields=["artist", "created_at"], name="ledger_by_artist"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.amount} {self.currency.upper()} {self.debit} → {self.credit}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Ledger entries are never changed; post a new entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201
        raise ValueError("Ledger entries are never removed; post a reversing entry instead.")
