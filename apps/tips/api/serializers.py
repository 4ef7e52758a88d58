from __future__ import annotations

from datetime import date

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import ArtistProfile
from apps.core.api.fields import IdChoiceField, SlugChoiceField
from apps.performances.models import Performance

from ..models import SupporterAllocation, SupporterShare, Tip
from ..services import anonymous_supporter_name


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-11"})
class MonthField(serializers.Field):
    """A calendar month as ``YYYY-MM``."""

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class TipCreateSerializer(serializers.Serializer):
    artist = SlugChoiceField(slug_field="slug", queryset=ArtistProfile.objects.public())
    amount = serializers.IntegerField(help_text="Minor units (cents).")
    performance = IdChoiceField(queryset=Performance.objects.all(), required=False, allow_null=True)
    message = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")


class TipConfirmSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        max_length=120, help_text="pm_…, or card_… from a Stripe.js token."
    )


class TipConfirmationSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="Stripe's status: succeeded, processing, requires_action, …")
    failure_message = serializers.CharField(allow_blank=True)
    client_secret = serializers.CharField(help_text="For Stripe.js when the card asks for authentication.")


class TipSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    performance = serializers.PrimaryKeyRelatedField(read_only=True)
    payer = serializers.SerializerMethodField()

    class Meta:
        model = Tip
        fields = [
            "id",
            "artist",
            "performance",
            "payer",
            "amount",
            "currency",
            "amount_refunded",
            "message",
            "status",
            "created_at",
            "succeeded_at",
        ]

    def get_payer(self, tip: Tip) -> str:
        return tip.payer.public_name if tip.payer else "An anonymous visitor"


class TipStartedSerializer(TipSerializer):
    """What the payer's app needs to confirm the card with Stripe."""

    client_secret = serializers.CharField(read_only=True)
    publishable_key = serializers.SerializerMethodField()

    class Meta(TipSerializer.Meta):
        fields = [*TipSerializer.Meta.fields, "client_secret", "publishable_key"]

    def get_publishable_key(self, tip: Tip) -> str:
        return settings.STRIPE_PUBLISHABLE_KEY


class StatementLineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()
    amount = serializers.IntegerField(help_text="Signed minor units: money in is positive.")
    reference = serializers.CharField()


class StatementSerializer(serializers.Serializer):
    month = MonthField()
    currency = serializers.CharField()
    opening_balance = serializers.IntegerField()
    closing_balance = serializers.IntegerField()
    balance = serializers.IntegerField(help_text="The artist's balance now, in minor units.")
    lines = StatementLineSerializer(many=True)


class SupporterSubscribeSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="pm_… or card_… from Stripe.js.",
    )


class SupporterSerializer(serializers.Serializer):
    status = serializers.CharField()
    cancel_at_period_end = serializers.BooleanField()
    current_period_end = serializers.DateTimeField(allow_null=True)
    client_secret = serializers.CharField(help_text="Set while the first payment waits for the card.")
    publishable_key = serializers.SerializerMethodField()
    monthly_fee = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()

    def get_publishable_key(self, supporter: object) -> str:
        return settings.STRIPE_PUBLISHABLE_KEY

    def get_monthly_fee(self, supporter: object) -> int:
        return settings.SUPPORTER_MONTHLY_FEE

    def get_currency(self, supporter: object) -> str:
        return settings.TIPS_CURRENCY


class SupporterShareSerializer(serializers.ModelSerializer):
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    artist_name = serializers.CharField(source="artist.stage_name", read_only=True)

    class Meta:
        model = SupporterShare
        fields = [
            "artist",
            "artist_name",
            "amount",
            "currency",
            "plays",
            "likes",
            "votes",
            "views",
            "engagement",
        ]


class SupporterAllocationSerializer(serializers.ModelSerializer):
    month = MonthField(source="period")
    shares = SupporterShareSerializer(many=True, read_only=True)
    supporter = serializers.SerializerMethodField()

    class Meta:
        model = SupporterAllocation
        fields = ["month", "supporter", "currency", "available", "allocated", "rolled_over", "shares"]

    def get_supporter(self, allocation: SupporterAllocation) -> str:
        return anonymous_supporter_name(allocation.supporter_id)
