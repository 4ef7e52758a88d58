from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from apps.performances.models import Performance

from . import services
from .money import SYMBOLS

CUSTOM = "custom"
# "5", "5.5", "5,50", "€ 7.50": what people type for an amount of money.
EUROS_RE = re.compile(r"^\s*(?:[€$£]\s*)?(\d{1,7})(?:[.,](\d{1,2}))?\s*(?:[€$£])?\s*$")


def currency_symbol() -> str:
    return SYMBOLS.get(settings.TIPS_CURRENCY, settings.TIPS_CURRENCY.upper())


def parse_major_units(value: str) -> int:
    """``"7.50"`` → 750 cents; whole units and cents only, never through a float."""
    match = EUROS_RE.match(value or "")
    if not match:
        raise ValidationError(f"Give the amount in {currency_symbol()}, like 7 or 7.50.")
    cents = match[2] or "0"
    return int(match[1]) * 100 + int(cents.ljust(2, "0"))


class TipForm(forms.Form):
    """A preset (its value in cents) or ``custom`` with the amount typed in major units.

    Scripts may also send ``amount`` as any whole number of cents.
    """

    amount = forms.CharField(max_length=20, error_messages={"required": "Choose an amount."})
    custom_amount = forms.CharField(
        required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    message = forms.CharField(
        required=False,
        max_length=140,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 140}),
        help_text="Optional, up to 140 characters. The artist sees it with your name.",
    )
    performance = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_performance(self) -> Performance | None:
        pk = self.cleaned_data.get("performance")
        if pk is None:
            return None
        performance = Performance.objects.filter(pk=pk).first()
        if performance is None:
            raise ValidationError("No such performance.")
        return performance

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice = data.get("amount")
        if choice is None:
            return data
        try:
            if choice == CUSTOM:
                cents = parse_major_units(data.get("custom_amount", ""))
            elif choice.isdigit():
                cents = int(choice)
            else:
                raise ValidationError("Give the amount in cents, as a whole number.")
            data["amount_cents"] = services.check_tip_amount(cents)
        except ValidationError as exc:
            # Every amount problem is reported on ``amount``, where the choice is made.
            self.add_error("amount", exc.messages)
        return data
