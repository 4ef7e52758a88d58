"""What one supporter's month of plays, likes, votes and views is worth to each artist."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.conf import settings
from django.db.models import Count, F, Model
from django.db.models.functions import TruncDate

from apps.accounts.models import User
from apps.media.models import Play
from apps.performances.models import Like, View
from apps.venues.models import Vote

from .periods import month_bounds

# kind (as in SUPPORTER_ENGAGEMENT_WEIGHTS), model, the path from a row to its artist.
SOURCES: tuple[tuple[str, type[Model], str], ...] = (
    ("play", Play, "track__artist"),
    ("like", Like, "performance__artist"),
    ("vote", Vote, "track__artist"),
    ("view", View, "performance__artist"),
)


@dataclass(frozen=True)
class EngagementLine:
    """One artist's counts in the month, and their weight after the daily cap."""

    plays: int = 0
    likes: int = 0
    votes: int = 0
    views: int = 0
    weighted: int = 0


def _daily_counts(
    model: type[Model], artist_path: str, user: User, start: datetime, end: datetime, tz: tzinfo
) -> list[dict]:
    # Filtering on the artist's user rather than on user.artist_profile needs no query
    # of its own and works for supporters without a profile.
    return list(
        model.objects.filter(user=user, created_at__gte=start, created_at__lt=end)
        .exclude(**{f"{artist_path}__user": user})
        .order_by()
        .values(artist=F(artist_path), day=TruncDate("created_at", tzinfo=tz))
        .annotate(count=Count("pk"))
    )


def supporter_engagement(user: User, period_start: date) -> dict[int, EngagementLine]:
    """Per artist id, what ``user`` did in the month starting ``period_start`` (site time).
    Each artist earns at most SUPPORTER_DAILY_CAP_PER_ARTIST weighted points a local day."""
    if period_start.day != 1:
        raise ValueError(f"a period starts on the first of a month, not {period_start}")
    start, end = month_bounds(period_start)
    # Days are cut in the zone the month is, so a month is a whole number of days.
    tz = start.tzinfo
    weights = settings.SUPPORTER_ENGAGEMENT_WEIGHTS
    cap = settings.SUPPORTER_DAILY_CAP_PER_ARTIST

    counts: dict[int, dict[str, int]] = defaultdict(lambda: {kind: 0 for kind, _model, _path in SOURCES})
    points_by_day: dict[tuple[int, date], int] = defaultdict(int)
    for kind, model, artist_path in SOURCES:
        for row in _daily_counts(model, artist_path, user, start, end, tz):
            counts[row["artist"]][kind] += row["count"]
            points_by_day[row["artist"], row["day"]] += weights[kind] * row["count"]

    weighted: dict[int, int] = defaultdict(int)
    for (artist, _day), points in points_by_day.items():
        weighted[artist] += min(points, cap)
    return {
        artist: EngagementLine(
            plays=kinds["play"],
            likes=kinds["like"],
            votes=kinds["vote"],
            views=kinds["view"],
            weighted=weighted[artist],
        )
        for artist, kinds in sorted(counts.items())
    }
