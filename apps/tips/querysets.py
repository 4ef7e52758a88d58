from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.db.models import Q, Sum


def artist_account(artist_id: int) -> str:
    return f"artist:{artist_id}"


def supporter_account(user_id: int) -> str:
    return f"supporter:{user_id}"


CARDS = "cards"
PROCESSOR = "processor"
PLATFORM = "platform"
PAYOUTS = "payouts"


class TipQuerySet(models.QuerySet):
    def received_by(self, artist) -> TipQuerySet:  # noqa: ANN001
        return self.filter(artist=artist)

    def given_by(self, user) -> TipQuerySet:  # noqa: ANN001
        return self.filter(payer=user)

    def paid(self) -> TipQuerySet:
        return self.filter(status__in=["succeeded", "refunded"])


class LedgerEntryQuerySet(models.QuerySet):
    def touching(self, account: str) -> LedgerEntryQuerySet:
        return self.filter(Q(debit=account) | Q(credit=account))

    def in_month(self, month: date | None) -> LedgerEntryQuerySet:
        """Entries booked in a calendar month (site time), or for that month's supporter run."""
        if month is None:
            return self
        from .periods import month_bounds

        start, end = month_bounds(month)
        return self.filter(
            Q(period=month) | Q(period__isnull=True, created_at__gte=start, created_at__lt=end)
        )

    def balance(self, account: str) -> int:
        """Money in minus money out: the account's balance in minor units."""
        totals = self.touching(account).aggregate(
            credit=Sum("amount", filter=Q(credit=account), default=0),
            debit=Sum("amount", filter=Q(debit=account), default=0),
        )
        return int(totals["credit"]) - int(totals["debit"])

    def balances(self, accounts: Iterable[str]) -> dict[str, int]:
        """Balances of many accounts in two grouped queries; accounts without entries are 0."""
        accounts = list(accounts)
        balances = dict.fromkeys(accounts, 0)
        for side, sign in (("credit", 1), ("debit", -1)):
            rows = (
                self.filter(**{f"{side}__in": accounts}).order_by().values(side).annotate(total=Sum("amount"))
            )
            for row in rows:
                balances[row[side]] += sign * int(row["total"])
        return balances

    def for_artist(self, artist_id: int) -> LedgerEntryQuerySet:
        return self.touching(artist_account(artist_id))

    def for_supporter(self, user_id: int) -> LedgerEntryQuerySet:
        return self.touching(supporter_account(user_id))


class SupporterShareQuerySet(models.QuerySet):
    def for_month(self, month: date) -> SupporterShareQuerySet:
        return self.filter(period=month)
