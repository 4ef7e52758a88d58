"""Amounts in minor units, shown to people."""

from __future__ import annotations

from django.conf import settings

SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£"}


def format_money(amount: int, currency: str | None = None) -> str:
    """``500, "eur"`` → ``€5``; ``550`` → ``€5.50``; negative amounts keep their sign in front."""
    currency = (currency or settings.TIPS_CURRENCY).lower()
    sign = "−" if amount < 0 else ""
    whole, cents = divmod(abs(int(amount)), 100)
    number = f"{whole:,}" if not cents else f"{whole:,}.{cents:02d}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency.upper()}"


def processor_fee(amount: int) -> int:
    """The card processor's fee for a payment: a share of the amount, rounded up, plus a fixed part."""
    share = -(-amount * settings.STRIPE_FEE_BASIS_POINTS // 10_000)
    return min(amount, share + settings.STRIPE_FEE_FIXED)


def platform_share(amount: int) -> int:
    return amount * settings.SUPPORTER_PLATFORM_SHARE_BASIS_POINTS // 10_000
