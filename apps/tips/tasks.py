"""Scheduled money work: the monthly supporter split, artist payouts and their retries.

Each task calls the services, which book every movement under its own key, so a task
run twice (a beat tick repeated, a worker lost mid-run) moves no money twice.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.accounts.models import ArtistProfile
from apps.accounts.models import PayoutStatus as ArtistPayoutStatus
from apps.core.errors import Conflict

from . import services
from .connect import StripeUnavailable
from .models import LedgerEntry, Payout, PayoutStatus
from .periods import month_of, previous_month
from .querysets import artist_account

log = structlog.get_logger(__name__)

# A transfer cut off by a network error may still be on its way: wait before asking again.
RETRY_AFTER = timedelta(minutes=10)
# Stripe forgets an idempotency key after 24 hours; a retry after that could pay twice,
# so older pending payouts are left for a person to check against Stripe's dashboard.
RETRY_WINDOW = timedelta(hours=23)
# Balances are summed for this many artists per query.
BATCH = 500


@shared_task(acks_late=True, ignore_result=True)
def split_last_month() -> int:
    """Split the supporter money of the calendar month that just ended (site time); once per month."""
    month = previous_month(month_of(timezone.now()))
    run = services.split_supporter_money(month)
    return run.supporters


@shared_task(acks_late=True, ignore_result=True)
def pay_out_balances() -> dict[str, int]:
    """Pay out every connected artist whose balance reached the minimum; one failure stops no one."""
    connected = list(
        ArtistProfile.objects.filter(payout_status=ArtistPayoutStatus.ACTIVE)
        .exclude(stripe_account_id="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outcome = {"paid": 0, "skipped": 0}
    for start in range(0, len(connected), BATCH):
        batch = connected[start : start + BATCH]
        balances = LedgerEntry.objects.balances(artist_account(pk) for pk in batch)
        for artist_id in batch:
            if balances[artist_account(artist_id)] < settings.PAYOUT_MINIMUM_AMOUNT:
                continue
            artist = ArtistProfile.objects.filter(pk=artist_id).first()
            if artist is None:
                continue
            try:
                payout = services.pay_out(artist)
            except (Conflict, StripeUnavailable) as error:
                # Paid out a moment ago, disconnected, refused or unreachable: the payout
                # (if any) records what happened, and tomorrow's run tries again.
                log.warning("payout.skipped", artist=artist_id, reason=str(error))
                outcome["skipped"] += 1
                continue
            except Exception:
                log.exception("payout.crashed", artist=artist_id)
                outcome["skipped"] += 1
                continue
            log.info("payout.sent", artist=artist_id, payout=payout.pk, amount=payout.amount)
            outcome["paid"] += 1
    return outcome


@shared_task(acks_late=True, ignore_result=True)
def retry_pending_payouts() -> int:
    """Ask Stripe again for payouts a network error left pending; returns how many were sent."""
    now = timezone.now()
    pending = Payout.objects.filter(status=PayoutStatus.PENDING, created_at__lt=now - RETRY_AFTER)
    stuck = pending.filter(created_at__lt=now - RETRY_WINDOW).values_list("pk", flat=True)
    for payout_id in stuck:
        log.error("payout.stuck", payout=payout_id)
    sent = 0
    for payout_id in (
        pending.filter(created_at__gte=now - RETRY_WINDOW).order_by("pk").values_list("pk", flat=True)
    ):
        # Re-read: another worker may have settled it since the list was made.
        payout = (
            Payout.objects.select_related("artist").filter(pk=payout_id, status=PayoutStatus.PENDING).first()
        )
        if payout is None:
            continue
        try:
            services.send_payout(payout)
        except StripeUnavailable as error:
            log.warning("payout.retry_failed", payout=payout_id, reason=str(error))
            continue
        sent += 1
    return sent
