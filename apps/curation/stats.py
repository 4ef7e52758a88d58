"""Artists' and performances' daily stats, recomputed from the raw events, and what they add up to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, tzinfo

from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.accounts.models import ArtistProfile, Follow
from apps.media.models import Play
from apps.performances.models import Like, View
from apps.tips.models import Tip, TipStatus
from apps.venues.models import Vote

from .models import ArtistDay, PerformanceDay

ARTIST_COUNTS = (
    "views",
    "unique_viewers",
    "likes",
    "plays",
    "votes",
    "tips",
    "tips_amount",
    "new_followers",
)
PERFORMANCE_COUNTS = ("views", "unique_viewers", "likes", "tips", "tips_amount")
# What curators see per area: engagement, never money (a tip's amount is payment data).
AREA_COUNTS = ("views", "plays", "likes", "votes", "new_followers", "tips")
BATCH_SIZE = 500


def site_today() -> date:
    return timezone.localdate()


def day_bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The instants that open ``start`` and close ``end`` (inclusive) in ``tz``."""
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _by_day(
    qs: QuerySet, field: str, start: datetime, end: datetime, tz: tzinfo, *own: str, **related: F
) -> QuerySet:
    """``qs`` in [start, end), grouped by the local day of ``field`` and by ``own`` and ``related``."""
    return (
        qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .order_by()
        .values(*own, **related, day=TruncDate(field, tzinfo=tz))
    )


def _count_days(start: date, end: date) -> tuple[dict, dict]:
    """Per (artist id, day) and per (performance id, day), the counts the raw events give."""
    tz = timezone.get_default_timezone()
    lo, hi = day_bounds(start, end, tz)
    artist_days: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(ARTIST_COUNTS, 0))
    performance_days: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(PERFORMANCE_COUNTS, 0)
    )

    # A view row is one visitor in one hour: rows are views, distinct visitors are viewers.
    views = _by_day(
        View.objects, "created_at", lo, hi, tz, "performance", artist=F("performance__artist")
    ).annotate(views=Count("pk"), viewers=Count("visitor", distinct=True))
    for row in views:
        line = performance_days[row["performance"], row["day"]]
        line["views"], line["unique_viewers"] = row["views"], row["viewers"]
        artist_days[row["artist"], row["day"]]["views"] += row["views"]
    # Someone watching two of an artist's sets on one day is still one viewer of the artist.
    viewers = _by_day(View.objects, "created_at", lo, hi, tz, artist=F("performance__artist")).annotate(
        viewers=Count("visitor", distinct=True)
    )
    for row in viewers:
        artist_days[row["artist"], row["day"]]["unique_viewers"] = row["viewers"]

    likes = _by_day(
        Like.objects, "created_at", lo, hi, tz, "performance", artist=F("performance__artist")
    ).annotate(count=Count("pk"))
    for row in likes:
        performance_days[row["performance"], row["day"]]["likes"] = row["count"]
        artist_days[row["artist"], row["day"]]["likes"] += row["count"]

    for kind, model, path in (("plays", Play, "track__artist"), ("votes", Vote, "track__artist")):
        rows = _by_day(model.objects, "created_at", lo, hi, tz, artist=F(path)).annotate(count=Count("pk"))
        for row in rows:
            artist_days[row["artist"], row["day"]][kind] = row["count"]

    # A tip counts on the day its payment went through; a partial refund lowers its amount,
    # a full one (status refunded) takes it out.
    tips = _by_day(
        Tip.objects.filter(status=TipStatus.SUCCEEDED),
        "succeeded_at",
        lo,
        hi,
        tz,
        "artist",
        "performance",
    ).annotate(count=Count("pk"), amount=Sum(F("amount") - F("amount_refunded")))
    for row in tips:
        for line in [artist_days[row["artist"], row["day"]]] + (
            [performance_days[row["performance"], row["day"]]] if row["performance"] else []
        ):
            line["tips"] += row["count"]
            line["tips_amount"] += row["amount"]

    follows = _by_day(Follow.objects, "created_at", lo, hi, tz, "artist").annotate(count=Count("pk"))
    for row in follows:
        artist_days[row["artist"], row["day"]]["new_followers"] = row["count"]
    return artist_days, performance_days


def _replace_days(
    model: type[ArtistDay] | type[PerformanceDay],
    owner: str,
    counts: dict[tuple[int, date], dict[str, int]],
    start: date,
    end: date,
) -> int:
    """Make ``model``'s rows in [start, end] exactly ``counts``: upsert those, delete the rest."""
    keep = set(counts)
    existing = model.objects.filter(date__gte=start, date__lte=end).values_list("pk", f"{owner}_id", "date")
    stale = [pk for pk, owner_id, day in existing if (owner_id, day) not in keep]
    for i in range(0, len(stale), BATCH_SIZE):
        model.objects.filter(pk__in=stale[i : i + BATCH_SIZE]).delete()
    names = ARTIST_COUNTS if model is ArtistDay else PERFORMANCE_COUNTS
    # Sorted, so two runs at once lock rows in the same order and cannot deadlock each other.
    rows = [
        model(**{f"{owner}_id": owner_id, "date": day}, **counts[owner_id, day])
        for owner_id, day in sorted(keep)
    ]
    model.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=[owner, "date"],
        update_fields=list(names),
    )
    return len(rows)


def aggregate_days(start: date, end: date) -> int:
    """Recompute ArtistDay and PerformanceDay for each site-time day in [start, end] from the raw
    events; a day row exists only where something happened. Returns how many rows it wrote."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    artist_days, performance_days = _count_days(start, end)
    with transaction.atomic():
        written = _replace_days(ArtistDay, "artist", artist_days, start, end)
        written += _replace_days(PerformanceDay, "performance", performance_days, start, end)
    return written


def artist_stats(artist: ArtistProfile, start: date, end: date) -> list[ArtistDay]:
    """One row per day in [start, end], oldest first; days without a stored row are zeros."""
    stored = {
        day.date: day for day in ArtistDay.objects.filter(artist=artist, date__gte=start, date__lte=end)
    }
    return [
        stored.get(start + timedelta(days=i)) or ArtistDay(artist=artist, date=start + timedelta(days=i))
        for i in range((end - start).days + 1)
    ]


@dataclass
class Totals:
    views: int = 0
    unique_viewers: int = 0
    likes: int = 0
    plays: int = 0
    votes: int = 0
    tips: int = 0
    tips_amount: int = 0
    new_followers: int = 0


def artist_totals(artist: ArtistProfile, days: list[ArtistDay]) -> Totals:
    """The sums of ``days``, but unique viewers over the whole span: a fan who came back on
    three days is one viewer, not three."""
    totals = Totals(**{f.name: sum(getattr(day, f.name) for day in days) for f in fields(Totals)})
    if days:
        tz = timezone.get_default_timezone()
        lo, hi = day_bounds(days[0].date, days[-1].date, tz)
        totals.unique_viewers = (
            View.objects.filter(performance__artist=artist, created_at__gte=lo, created_at__lt=hi)
            .values("visitor")
            .distinct()
            .count()
        )
    return totals


def area_totals(start: date, end: date) -> list[dict]:
    """Per artist home area (None: artists without one), the engagement sums over [start, end],
    busiest first. No amounts of money."""
    rows = (
        ArtistDay.objects.filter(date__gte=start, date__lte=end)
        .order_by()
        .values(
            area=F("artist__home_area"),
            area_name=F("artist__home_area__name"),
            city=F("artist__home_area__city"),
        )
        # Day rows exist only where something happened: these are the artists active in the span.
        .annotate(artists=Count("artist", distinct=True), **{name: Sum(name) for name in AREA_COUNTS})
    )
    return sorted(rows, key=lambda row: (-row["views"], -row["plays"], row["area_name"] or "\uffff"))
