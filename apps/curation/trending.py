"""Trending: performances, artists and tracks ranked by recent engagement, site-wide and per area.

An event adds weight(kind) × 0.5 ** (age / half-life) to each item it concerns; events
older than HORIZON_HALF_LIVES half-lives are left out (each would add under 0.1 % of its
weight), so every query reads a bounded slice of time. The database sums the decayed
weights per item, one grouped query per event source: PostgreSQL with POWER() and
EXTRACT(EPOCH), SQLite with POWER() and JULIANDAY(). SQLite builds without math functions
get POWER from Django as a Python function, called once per event row: measured, it
made the sums 62 → 70 ms over 50,000 events, so hourly counts decayed in Python would
save little and lose exactness. bench/trending.py measures a whole run.

compute_trending() writes one ranked list per (kind, scope) into the cache, scope being
the whole site or one area; trending() reads them and drops what was hidden or cancelled
since, so a curator's decision shows at once rather than at the next run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, FloatField, Func, QuerySet, Sum
from django.db.utils import NotSupportedError
from django.utils import timezone

from apps.accounts.models import ArtistProfile, Follow
from apps.media.models import Play, Track
from apps.performances.models import Like, Performance, PerformanceStatus, Stop, View
from apps.places.models import Area
from apps.tips.models import Tip, TipStatus
from apps.venues.models import Vote

KINDS = ("performance", "artist", "track")
DEFAULT_HALF_LIFE_HOURS = 48.0
# A follow or a tip says more than a view or a play; settings.TRENDING_WEIGHTS overrides.
DEFAULT_WEIGHTS = {"view": 1.0, "like": 3.0, "play": 1.0, "vote": 2.0, "tip": 8.0, "follow": 5.0}
# 0.5 ** 10 < 0.001: older events cannot move a ranking.
HORIZON_HALF_LIVES = 10
# Longest list kept per scope and kind: the API's and the pages' largest page.
KEEP = 100
# Well past the ten-minute schedule, so one missed run does not empty the lists.
DEFAULT_CACHE_SECONDS = 30 * 60
# Bump when the stored shape changes: old entries are then never read.
CACHE_VERSION = 1
CHUNK = 500

ALL = None  # the whole-site scope

Entry = dict[str, Any]  # {"computed_at": iso string, "items": [item, ...]}
Item = dict[str, Any]  # {"kind", "id", "title", "url", "score"}


def half_life_hours() -> float:
    return float(getattr(settings, "TRENDING_HALF_LIFE_HOURS", DEFAULT_HALF_LIFE_HOURS))


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "TRENDING_WEIGHTS", {})}


def cache_seconds() -> int:
    return int(getattr(settings, "TRENDING_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def cache_key(kind: str, area: str | None) -> str:
    return f"trending:v{CACHE_VERSION}:{kind}:{'all' if area is None else 'area:' + area}"


def trendable_performances() -> QuerySet[Performance]:
    """Performances that may trend: every public one but the cancelled."""
    return Performance.objects.public().exclude(status=PerformanceStatus.CANCELLED)


def trendable_artists() -> QuerySet[ArtistProfile]:
    """Artists who may trend: those not hidden by a curator."""
    return ArtistProfile.objects.public()


def trendable_tracks() -> QuerySet[Track]:
    """Tracks that may trend: those the public pages show."""
    return Track.objects.public()


class Decayed(Func):
    """An event's share of its weight at `now`: 0.5 ** (age in hours / half-life)."""

    output_field = FloatField()

    def __init__(self, field: str, now: datetime, half_life: float) -> None:
        super().__init__(F(field))
        self.now, self.half_life = now, half_life

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        raise NotSupportedError("Trending decays in SQL on SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        field, params = compiler.compile(self.source_expressions[0])
        now = connection.ops.adapt_datetimefield_value(self.now)
        sql = f"POWER(0.5, (JULIANDAY(%s) - JULIANDAY({field})) * 24.0 / %s)"
        return sql, (now, *params, self.half_life)

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        field, params = compiler.compile(self.source_expressions[0])
        # Doubles throughout: POWER on numeric is exact and many times slower.
        sql = f"POWER(0.5::float8, EXTRACT(EPOCH FROM (%s::timestamptz - {field}))::float8 / 3600.0 / %s)"
        return sql, (self.now, *params, self.half_life)


def _summed(
    events: QuerySet, when: str, group_by: tuple[str, ...], now: datetime, half_life: float
) -> QuerySet:
    """(group_by values..., decayed sum) for the events inside the horizon, one row per group."""
    start = now - timedelta(hours=half_life * HORIZON_HALF_LIVES)
    return (
        events.filter(**{f"{when}__gt": start, f"{when}__lte": now})
        # No model ordering: it would join the group-by (Play orders by -created_at).
        .order_by()
        .values(*group_by)
        .annotate(decayed=Sum(Decayed(when, now, half_life)))
        .values_list(*group_by, "decayed")
    )


def _scores(now: datetime) -> dict[str, dict[int, float]]:
    """Every item's decayed, weighted engagement: seven grouped queries."""
    half_life, weight = half_life_hours(), weights()
    scores: dict[str, dict[int, float]] = {kind: defaultdict(float) for kind in KINDS}
    performances, tracks = trendable_performances(), trendable_tracks()

    # Engagement with a performance or a track also counts for its artist.
    for name, model in (("view", View), ("like", Like)):
        events = model.objects.filter(performance__in=performances)
        for performance_id, artist_id, decayed in _summed(
            events, "created_at", ("performance_id", "performance__artist_id"), now, half_life
        ):
            scores["performance"][performance_id] += weight[name] * decayed
            scores["artist"][artist_id] += weight[name] * decayed
    for name, model in (("play", Play), ("vote", Vote)):
        events = model.objects.filter(track__in=tracks)
        for track_id, artist_id, decayed in _summed(
            events, "created_at", ("track_id", "track__artist_id"), now, half_life
        ):
            scores["track"][track_id] += weight[name] * decayed
            scores["artist"][artist_id] += weight[name] * decayed

    # A tip goes to its artist whatever became of the performance it was given at.
    paid = Tip.objects.filter(status=TipStatus.SUCCEEDED)
    for artist_id, decayed in _summed(paid, "succeeded_at", ("artist_id",), now, half_life):
        scores["artist"][artist_id] += weight["tip"] * decayed
    at_shows = paid.filter(performance__in=performances)
    for performance_id, decayed in _summed(at_shows, "succeeded_at", ("performance_id",), now, half_life):
        scores["performance"][performance_id] += weight["tip"] * decayed

    for artist_id, decayed in _summed(Follow.objects.all(), "created_at", ("artist_id",), now, half_life):
        scores["artist"][artist_id] += weight["follow"] * decayed

    # Rounded, so sums that differ only in the last bits (summing order) tie exactly.
    return {
        kind: {pk: round(score, 6) for pk, score in found.items() if round(score, 6) > 0}
        for kind, found in scores.items()
    }


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# Stand-ins for a primary key and a slug in URL templates (see _url_templates).
PK_MARK, SLUG_MARK = "987654321", "trending-slug-mark"


def _url_templates() -> dict[str, str]:
    """Each kind's get_absolute_url() once, with marks in place of the key and the slug:
    an instance and a reverse() per item cost several times the SQL."""
    return {
        "performance": Performance(pk=int(PK_MARK)).get_absolute_url(),
        "artist": ArtistProfile(slug=SLUG_MARK).get_absolute_url(),
        "track": Track(pk=int(PK_MARK), artist=ArtistProfile(slug=SLUG_MARK)).get_absolute_url(),
    }


def _url(template: str, pk: int, slug: str = "") -> str:
    # The key first: a slug may hold the key's mark, never the other way round.
    return template.replace(PK_MARK, str(pk)).replace(SLUG_MARK, slug)


def _describe(kind: str, ids: Iterable[int]) -> dict[int, tuple[str, str, set[int]]]:
    """(title, url, area ids) of each item that may still trend; the others are left out."""
    template = _url_templates()[kind]
    found: dict[int, tuple[str, str, set[int]]] = {}
    for chunk in _chunks(ids):
        if kind == "performance":
            areas = defaultdict(set)
            stops = Stop.objects.filter(performance_id__in=chunk, area__isnull=False).order_by()
            for performance_id, area_id in stops.values_list("performance_id", "area_id").distinct():
                areas[performance_id].add(area_id)
            rows = trendable_performances().filter(pk__in=chunk).order_by()
            for pk, title in rows.values_list("id", "title"):
                found[pk] = (title, _url(template, pk), areas[pk])
        elif kind == "artist":
            rows = trendable_artists().filter(pk__in=chunk).order_by()
            for pk, name, slug, area_id in rows.values_list("id", "stage_name", "slug", "home_area_id"):
                found[pk] = (name, _url(template, pk, slug), {area_id} - {None})
        else:
            rows = trendable_tracks().filter(pk__in=chunk).order_by()
            for pk, title, slug, area_id in rows.values_list("id", "title", "artist__slug", "area_id"):
                found[pk] = (title, _url(template, pk, slug), {area_id} - {None})
    return found


def rank(items: Iterable[Item]) -> list[Item]:
    """Highest score first; ties by (kind, id) ascending, so every run orders alike."""
    return sorted(items, key=lambda item: (-item["score"], item["kind"], item["id"]))


def compute_trending(now: datetime | None = None) -> dict[tuple[str, str | None], Entry]:
    """Rank every kind site-wide and per area, store the lists in the cache and return them,
    keyed by (kind, area slug or None). Every area gets a list, an empty one if quiet."""
    now = now or timezone.now()
    computed_at = now.isoformat()
    slugs = dict(Area.objects.order_by().values_list("id", "slug"))
    lists: dict[tuple[str, str | None], Entry] = {}
    for kind, scores in _scores(now).items():
        described = _describe(kind, scores)
        everywhere: list[Item] = []
        by_area: dict[str, list[Item]] = {slug: [] for slug in slugs.values()}
        for pk, (title, url, areas) in described.items():
            item = {"kind": kind, "id": pk, "title": title, "url": url, "score": scores[pk]}
            everywhere.append(item)
            # An area created since `slugs` was read gets its list on the next run.
            for area_id in areas & slugs.keys():
                by_area[slugs[area_id]].append(item)
        lists[(kind, ALL)] = {"computed_at": computed_at, "items": rank(everywhere)[:KEEP]}
        for slug, items in by_area.items():
            lists[(kind, slug)] = {"computed_at": computed_at, "items": rank(items)[:KEEP]}
    cache.set_many({cache_key(kind, area): entry for (kind, area), entry in lists.items()}, cache_seconds())
    return lists


def _still_trendable(kind: str, items: list[Item]) -> list[Item]:
    """The items that may still trend: one query by primary key."""
    if not items:
        return items
    visible = {
        "performance": trendable_performances,
        "artist": trendable_artists,
        "track": trendable_tracks,
    }[kind]()
    keep = set(visible.filter(pk__in=[item["id"] for item in items]).values_list("pk", flat=True))
    return [item for item in items if item["id"] in keep]


def trending_entry(kind: str, area: str | None = ALL, limit: int = 20) -> Entry:
    """The stored list of one kind for the site (area None) or one area, with when it was
    computed; computed now if the cache has none (a fresh site, a flushed cache)."""
    if kind not in KINDS:
        raise ValueError(f"unknown trending kind {kind!r}")
    entry = cache.get(cache_key(kind, area))
    if entry is None:
        entry = compute_trending().get((kind, area), {"computed_at": timezone.now().isoformat(), "items": []})
    items = _still_trendable(kind, entry["items"])
    return {"computed_at": entry["computed_at"], "items": items[: max(0, min(limit, KEEP))]}


def trending(kind: str, area: str | None = ALL, limit: int = 20) -> list[Item]:
    """What trends now, highest first: each item's kind, id, title, url and score."""
    return trending_entry(kind, area, limit)["items"]
