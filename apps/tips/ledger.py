"""Posting to the ledger: each movement of money is booked once under its own key."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from .models import LedgerEntry


def post(
    *, key: str, kind: str, debit: str, credit: str, amount: int, currency: str, **refs: Any
) -> LedgerEntry:
    """Book a movement unless its key is already booked; returns the entry either way."""
    if type(amount) is not int or amount <= 0:
        raise ValueError(f"A ledger amount is a positive whole number of minor units, not {amount!r}.")
    existing = LedgerEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint, so a concurrent booking of the same key leaves the caller's
        # transaction usable.
        with transaction.atomic():
            return LedgerEntry.objects.create(
                key=key, kind=kind, debit=debit, credit=credit, amount=amount, currency=currency, **refs
            )
    except IntegrityError:
        existing = LedgerEntry.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing
