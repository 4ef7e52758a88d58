from __future__ import annotations

from django import forms
from django.conf import settings

from .money import SYMBOLS

CUSTOM = "custom"


def currency_symbol() -> str:
    return SYMBOLS.get(settings.TIPS_CURRENCY, settings.TIPS_CURRENCY.upper())


class TipForm(forms.Form):
    """The tip page's fields: a preset (its value in cents) or ``custom`` with the amount typed
    in major units. The page's script reads them and pays through the tips API, which checks
    everything; this form only draws them."""

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
