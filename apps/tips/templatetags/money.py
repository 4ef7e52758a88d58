from __future__ import annotations

from django import template

from apps.tips.money import format_money

register = template.Library()


@register.filter
def money(amount: int | None, currency: str | None = None) -> str:
    """``{{ 550|money }}`` → €5.50; ``{{ amount|money:"usd" }}`` for another currency."""
    if amount is None or amount == "":
        return ""
    return format_money(int(amount), currency or None)
