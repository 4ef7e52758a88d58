"""Demo supporters: two demo fans paid last month's supporter fee, listened, liked and watched,
and their money was split among the demo artists exactly as a real month's is.

Tips are left alone: a tip only ever comes from a real card payment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.demo import demo_user
from apps.accounts.models import User
from apps.media.models import Play, Track
from apps.performances.models import Like, Performance, View

from . import services
from .models import SupporterPayment
from .periods import month_bounds, month_of, previous_month

# The accounts demo's fan, and a second one made here the same way.
FANS = [("fan@demo.encore.local", "Demo Fan"), ("fan2@demo.encore.local", "Second Demo Fan")]
# What each fan did last month: (artist slug, kind, how many times).
ENGAGEMENT = {
    FANS[0][0]: [
        ("marta-lume", "play", 6),
        ("marta-lume", "like", 1),
        ("tiago-sax", "play", 4),
        ("tiago-sax", "view", 2),
        ("kora-collective", "view", 3),
    ],
    FANS[1][0]: [
        ("neon-tram", "play", 12),
        ("marta-lume", "play", 3),
        ("ines-cordas", "view", 2),
    ],
}


def _moments(start: datetime, count: int) -> list[datetime]:
    # Evenings spread over the month, so the daily cap per artist never trims the demo.
    return [
        start + timedelta(days=1 + (3 * i) % 27, hours=18 + i % 4, minutes=7 * i % 60) for i in range(count)
    ]


def _plays(fan: User, slug: str, moments: list[datetime]) -> None:
    tracks = list(Track.objects.filter(artist__slug=slug).order_by("pk"))
    if not tracks:
        return
    plays = [
        Play(track=tracks[i % len(tracks)], user=fan, listener=f"u:{fan.pk}", created_at=at)
        for i, at in enumerate(moments)
    ]
    Play.objects.bulk_create(plays)
    for track in tracks:
        count = sum(1 for play in plays if play.track is track)
        Track.objects.filter(pk=track.pk).update(play_count=F("play_count") + count)


def _likes(fan: User, slug: str, moments: list[datetime]) -> None:
    performances = Performance.objects.filter(artist__slug=slug).order_by("pk")[: len(moments)]
    for performance, at in zip(performances, moments, strict=False):
        like, created = Like.objects.get_or_create(user=fan, performance=performance)
        if created:
            # created_at is set on insert; a like from last month is dated afterwards.
            Like.objects.filter(pk=like.pk).update(created_at=at)
            Performance.objects.filter(pk=performance.pk).update(like_count=F("like_count") + 1)


def _views(fan: User, slug: str, moments: list[datetime]) -> None:
    performance = Performance.objects.filter(artist__slug=slug).order_by("pk").first()
    if performance is None:
        return
    for at in moments:
        hour = at.replace(minute=0, second=0, microsecond=0)
        view, created = View.objects.get_or_create(
            performance=performance, visitor=f"u:{fan.pk}", hour=hour, defaults={"user": fan}
        )
        if created:
            View.objects.filter(pk=view.pk).update(created_at=at)
            Performance.objects.filter(pk=performance.pk).update(view_count=F("view_count") + 1)


ENGAGE = {"play": _plays, "like": _likes, "view": _views}


@transaction.atomic
def load() -> list[tuple[str, str]]:
    """Last month's demo supporter payments, engagement and split, once a month; returns new accounts."""
    month = previous_month(month_of(timezone.now()))
    start, _ = month_bounds(month)
    accounts = []
    for email, name in FANS:
        fan = demo_user(email, name)
        if email != FANS[0][0]:
            accounts.append(("fan", email))
        invoice_id = f"in_demo_{fan.pk}_{month:%Y-%m}"
        # The payment is the month's marker: with it, the engagement was made too.
        if SupporterPayment.objects.filter(invoice_id=invoice_id).exists():
            continue
        for slug, kind, count in ENGAGEMENT[email]:
            ENGAGE[kind](fan, slug, _moments(start, count))
        services.record_supporter_payment(
            fan,
            invoice_id=invoice_id,
            amount=settings.SUPPORTER_MONTHLY_FEE,
            currency=settings.TIPS_CURRENCY,
            paid_at=start + timedelta(hours=9),
        )
    services.split_supporter_money(month)
    return accounts
