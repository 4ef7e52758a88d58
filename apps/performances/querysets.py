from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from django.db import connection, connections, models
from django.db.models import F, Max, Min, Q, Value
from django.db.models.functions import Floor
from django.utils import timezone

from apps.core.rows import is_key, loaded
from apps.places.geo import EARTH_RADIUS_M, METRES_PER_DEGREE, haversine

ACTIVE = ("scheduled", "live")


# Nearby's index: stops by 0.01-degree square (about 1.1 km) and start time.
GRID_SCALE = 100
# A stop is a set on a corner, not a residency: the services refuse longer ones, so a
# stop still playing now started no earlier than this before now. Nearby's index relies
# on it to bound the start times it reads.
MAX_STOP_LENGTH = timedelta(hours=12)
# A 2 km search covers about 30 squares; a 50 km one about 10,000.
MAX_GRID_SQUARES = 1_000


def grid_lat() -> Floor:
    return Floor(F("lat") * Value(GRID_SCALE))


def grid_lng() -> Floor:
    return Floor(F("lng") * Value(GRID_SCALE))


def grid_range(low: float, high: float) -> list[float]:
    """The grid rows (or columns) from low to high, as the index stores them."""
    return [float(n) for n in range(math.floor(low * GRID_SCALE), math.floor(high * GRID_SCALE) + 1)]


def grid_squares(
    south: float, north: float, west: float, east: float
) -> tuple[list[float], list[float] | None]:
    """The grid rows and columns a box covers, as nearby's index stores them. A wide box
    (a big radius, or far north) would list thousands of squares: then columns is None,
    the index narrows by row alone and longitude is checked inside it."""
    rows = grid_range(max(south, -90), min(north, 90))
    columns = grid_range(max(west, -180), min(east, 180))
    return rows, (columns if len(rows) * len(columns) <= MAX_GRID_SQUARES else None)


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = radius_m / METRES_PER_DEGREE
    # Near the poles a degree of longitude shrinks to nothing; cap the widening.
    dlng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class TimeSlice:
    """Stops starting after `starts_after` and before `starts_before` (or at it, when
    `until_inclusive`), still on after `ends_after`; optionally only live performances' or
    only scheduled ones'. Each slice bounds the start time from below, so nearby's index
    reads a slice of time."""

    starts_after: datetime
    starts_before: datetime | None = None
    until_inclusive: bool = False
    ends_after: datetime | None = None
    live_only: bool = False
    scheduled_only: bool = False

    def q(self) -> Q:
        q = Q(starts_at__gt=self.starts_after)
        if self.starts_before is not None:
            lookup = "starts_at__lte" if self.until_inclusive else "starts_at__lt"
            q &= Q(**{lookup: self.starts_before})
        if self.ends_after is not None:
            q &= Q(ends_at__gt=self.ends_after)
        if self.live_only:
            q &= Q(performance_status="live")
        if self.scheduled_only:
            q &= Q(performance_status="scheduled")
        return q


def time_slices(when: str, now: datetime) -> list[TimeSlice]:
    """`now`: playing at this moment (or any stop not yet over, for a live performance);
    `today`: not over and starting before midnight; `upcoming`: not started yet, so never a
    live performance (it has started)."""
    earliest = now - MAX_STOP_LENGTH
    if when == "now":
        return [
            TimeSlice(earliest, now, until_inclusive=True, ends_after=now),
            # A live performance also shows by its stops still to come (it may run early).
            TimeSlice(now, live_only=True),
        ]
    if when == "today":
        return [TimeSlice(earliest, end_of_today(now), ends_after=now)]
    if when == "upcoming":
        return [TimeSlice(now, scheduled_only=True)]
    raise ValueError(f"unknown time filter {when!r}")


# A performance's route in order, as far as the map reads it: each position update reads it.
ROUTE = (
    'SELECT id, performance_id, "order", lat, lng, place_name, starts_at, ends_at'
    ' FROM performances_stop WHERE performance_id = %s ORDER BY "order"'
)
ROUTE_FIELDS = ("id", "performance_id", "order", "lat", "lng", "place_name", "starts_at", "ends_at")


class StopQuerySet(models.QuerySet):
    def route_of(self, performance_id: int) -> list:
        """The performance's stops in order, loaded with what the map reads of them (the rest
        loads when first read)."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(ROUTE, [performance_id])
            rows = cursor.fetchall()
        return [loaded(self.model, self.db, ROUTE_FIELDS, row) for row in rows]

    def places_of(self, artist, text: str) -> StopQuerySet:  # noqa: ANN001
        """The artist's stops whose place name contains the text, latest first: the places
        the route form offers again."""
        return (
            self.filter(performance__artist=artist, place_name__icontains=text)
            .order_by("-starts_at", "-id")
            .values("place_name", "lat", "lng", "performance_id")
        )

    def active(self) -> StopQuerySet:
        """Stops of scheduled and live performances: the rows nearby's partial index holds."""
        return self.filter(performance_status__in=ACTIVE)

    def in_box(self, south: float, north: float, west: float, east: float) -> StopQuerySet:
        """Stops inside a bounding box, found through the grid squares it covers."""
        rows, columns = grid_squares(south, north, west, east)
        squares = {"grid_lat__in": rows}
        if columns is not None:
            squares["grid_lng__in"] = columns
        return (
            self.alias(grid_lat=grid_lat(), grid_lng=grid_lng())
            .filter(**squares)
            .filter(lat__gte=south, lat__lte=north, lng__gte=west, lng__lte=east)
        )

    def happening(self, when: str, now: datetime) -> StopQuerySet:
        """Stops in the time filter's slices (see time_slices). With two slices the result
        is a union: call it after other filters."""
        parts = [self.active().filter(part.q()) for part in time_slices(when, now)]
        if len(parts) == 1:
            return parts[0]
        # Each part without the model's ordering, which would join performances.
        return parts[0].order_by().union(*(part.order_by() for part in parts[1:]), all=True)

    def nearest(
        self,
        lat: float,
        lng: float,
        radius_m: float,
        when: str,
        now: datetime,
        *,
        genre_id: int | None = None,
        area_id: int | None = None,
        limit: int,
        candidates: int,
    ) -> list[dict[str, Any]]:
        """The `limit` performances with a stop matching the search nearest the point, each
        with that stop and its distance, nearest first: one statement on SQLite and
        PostgreSQL.

        Hand-written SQL because this is nearby's hot path: building the same query
        through the ORM took longer than running it. The nearest `candidates` stops are
        ranked from the index alone (see Stop's indexes), which also holds what an answer
        shows of a stop; only the winners' performances and artists are read from tables.
        Live performances with a position are left to live_near.
        """
        connection = connections[self.db]
        sql, params = _nearest_sql(connection, lat, lng, radius_m, time_slices(when, now), genre_id, area_id)
        return _rows(connection, sql, [*params, candidates, nearness_within(radius_m), limit])

    def live_near(
        self,
        lat: float,
        lng: float,
        radius_m: float,
        now: datetime,
        *,
        genre_id: int | None = None,
        area_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Live performances whose shared position is within the radius, in nearest()'s
        shape, the distance measured from the position, each with its stop under way or
        next (the last one once all are over); with an area, only a stop in that area.

        One statement for all of them: live performances are few, and a stop has a copy of
        its performance's status, so the stops read are theirs alone. Hand-written, as
        nearest's is, and for the same reasons: the ORM took longer to build it than the
        database to run it, and its statement was planned again for every answer.
        """
        south, north, west, east = bounding_box(lat, lng, radius_m)
        where = [
            "p.status = 'live'",
            "s.performance_status = 'live'",
            "NOT p.hidden",
            "NOT artist.hidden",
            "p.position_lat >= %s AND p.position_lat <= %s AND p.position_lng >= %s AND p.position_lng <= %s",
        ]
        params: list[Any] = [south, north, west, east]
        if genre_id is not None:
            where.append("p.genre_id = %s")
            params.append(genre_id)
        if area_id is not None:
            where.append("s.area_id = %s")
            params.append(area_id)
        sql = f"""
            SELECT s.performance_id, s.lat, s.lng, s.place_name, CAST(s.starts_at AS TEXT) AS starts_at,
                   CAST(s.ends_at AS TEXT) AS ends_at, s.id AS stop_id, area.slug AS area_slug,
                   p.title, p.status, p.like_count, p.position_lat, p.position_lng, genre.slug AS genre,
                   artist.slug AS artist_slug, artist.stage_name AS artist_stage_name
            FROM performances_performance p
            JOIN accounts_artistprofile artist ON artist.id = p.artist_id
            JOIN performances_stop s ON s.performance_id = p.id
            LEFT JOIN places_area area ON area.id = s.area_id
            LEFT JOIN places_genre genre ON genre.id = p.genre_id
            WHERE {" AND ".join(where)}
            ORDER BY s.performance_id, s."order"
        """  # noqa: S608 - only the conditions above are interpolated; values go as parameters
        rows = _rows(connections[self.db], sql, params)
        chosen: dict[int, dict[str, Any]] = {}
        for row in rows:
            current = chosen.get(row["performance_id"])
            # Stops come in route order: keep the first not yet over, else the last.
            if current is None or current["ends_at"] <= now:
                chosen[row["performance_id"]] = row
        found = []
        for row in chosen.values():
            distance = haversine(lat, lng, row["position_lat"], row["position_lng"])
            if distance <= radius_m:
                row["distance_m"] = distance
                row["area"] = row.pop("area_slug")
                found.append(row)
        return found


# A performer's own performance by its key, with what a move reads of it, its artist and its
# genre: their phone sends a position every few seconds.
OWN_PERFORMANCE = """
SELECT performance.id, performance.artist_id, performance.title, performance.genre_id,
       performance.status, performance.position_lat, performance.position_lng,
       performance.position_at, performance.like_count, performance.hidden,
       artist.user_id, artist.slug, artist.stage_name, artist.hidden, genre.slug
FROM performances_performance AS performance
INNER JOIN accounts_artistprofile AS artist ON artist.id = performance.artist_id
LEFT JOIN places_genre AS genre ON genre.id = performance.genre_id
WHERE performance.id = %s AND artist.user_id = %s
"""
OWN_PERFORMANCE_FIELDS = (
    "id",
    "artist_id",
    "title",
    "genre_id",
    "status",
    "position_lat",
    "position_lng",
    "position_at",
    "like_count",
    "hidden",
)


class PerformanceQuerySet(models.QuerySet):
    def public(self) -> PerformanceQuerySet:
        """What anyone may see: neither it nor its artist hidden by a curator."""
        return self.filter(hidden=False, artist__hidden=False)

    def own_for_move(self, performance_id: int, user_id: int):  # noqa: ANN201 - Performance | None
        """The user's own performance by its key, loaded with its artist and genre as far as a
        move reads them (the rest loads when first read); None if it is not theirs or not there.
        An owner sees their own performance whatever its state, as ``visible_to`` lets them."""
        from apps.accounts.models import ArtistProfile
        from apps.places.models import Genre

        if not is_key(performance_id):
            return None
        with connections[self.db].cursor() as cursor:
            cursor.execute(OWN_PERFORMANCE, [performance_id, user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        performance = loaded(self.model, self.db, OWN_PERFORMANCE_FIELDS, row[:10])
        user_id, slug, stage_name, hidden, genre_slug = row[10:]
        artist_fields = ("id", "user_id", "slug", "stage_name", "hidden")
        performance.artist = loaded(
            ArtistProfile, self.db, artist_fields, (performance.artist_id, user_id, slug, stage_name, hidden)
        )
        if performance.genre_id is not None:
            performance.genre = loaded(Genre, self.db, ("id", "slug"), (performance.genre_id, genre_slug))
        return performance

    def visible_to(self, user) -> PerformanceQuerySet:  # noqa: ANN001
        """Public performances, plus the user's own; curators see hidden ones too."""
        from apps.accounts.roles import is_curator

        if user is None or not user.is_authenticated:
            return self.public()
        if is_curator(user):
            return self
        return self.filter(Q(hidden=False, artist__hidden=False) | Q(artist__user=user))

    def live(self) -> PerformanceQuerySet:
        return self.filter(status="live")

    def stale_live(self, now: datetime, grace: timedelta) -> PerformanceQuerySet:
        """Live ones whose route ended, and whose last position came, longer than `grace` ago."""
        quiet_since = now - grace
        return (
            self.live()
            .annotate(route_ends_at=Max("stops__ends_at"))
            .filter(route_ends_at__lt=quiet_since)
            .filter(Q(position_at__isnull=True) | Q(position_at__lt=quiet_since))
        )

    def active(self) -> PerformanceQuerySet:
        return self.filter(status__in=ACTIVE)

    def of_artist(self, artist) -> PerformanceQuerySet:  # noqa: ANN001
        return self.filter(artist=artist)

    def next_first(self, now: datetime) -> PerformanceQuerySet:
        """Those with a stop still to come, soonest first."""
        return (
            self.annotate(next_start=Min("stops__starts_at", filter=Q(stops__ends_at__gt=now)))
            .filter(next_start__isnull=False)
            .order_by("next_start", "id")
        )

    def upcoming(self, now: datetime) -> PerformanceQuerySet:
        """Scheduled, with a stop still to come, soonest first."""
        return self.filter(status="scheduled").next_first(now)

    def recent(self) -> PerformanceQuerySet:
        """Played and ended, the latest first."""
        return self.filter(status="completed").order_by("-ended_at", "-id")

    def with_related(self) -> PerformanceQuerySet:
        return self.select_related("artist", "genre").prefetch_related("stops__area")

    def search(self, text: str) -> PerformanceQuerySet:
        """Titles, descriptions and artist names: ranked full text on PostgreSQL, a plain
        case-insensitive match elsewhere."""
        text = text.strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = (
                SearchVector("title", weight="A", config="simple")
                + SearchVector("artist__stage_name", weight="A", config="simple")
                + SearchVector("description", weight="B", config="simple")
            )
            query = SearchQuery(text, search_type="websearch", config="simple")
            return self.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0).order_by("-rank", "-id")
        return self.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(artist__stage_name__icontains=text)
        )


def _cursor(connection):  # noqa: ANN001, ANN202
    """A cursor for nearby's statement. On PostgreSQL, psycopg's server-side binding cursor:
    the statement's text is the same for every point (the values go as parameters), so
    psycopg prepares it after a few runs (DATABASES' prepare_threshold) and PostgreSQL
    stops planning it; planning cost as much as running it. Django's own cursors bind on
    the client and are never prepared."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _rows(connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:  # noqa: ANN001
    """The statement's rows as dicts, its starts_at and ends_at (selected as text) as
    aware datetimes."""
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for name in ("starts_at", "ends_at"):
            # Parsing text is cheaper than the drivers' datetime loaders: SQLite stores
            # naive UTC, PostgreSQL answers in the connection's UTC.
            value = datetime.fromisoformat(row[name])
            row[name] = value if value.tzinfo else value.replace(tzinfo=UTC)
    return rows


def _nearness_sql(lat: float, lng: float) -> tuple[str, list[float]]:
    """The haversine term from the point to the stop's lat/lng, as SQL: the distance grows with
    it, so stops rank by it alone, and only the winners' distances are worked out
    (_distance_sql; geo.haversine is the same formula in Python)."""
    return (
        "(POWER(SIN(RADIANS(lat - %s) / 2), 2)"
        " + COS(RADIANS(%s)) * COS(RADIANS(lat)) * POWER(SIN(RADIANS(lng - %s) / 2), 2))"
    ), [lat, lat, lng]


def _distance_sql(connection, nearness: str) -> str:  # noqa: ANN001
    """The great-circle distance in metres for a haversine term. Rounding can take the term
    past 1, out of ASIN's domain: it is capped with LEAST on PostgreSQL and the two-argument
    MIN on SQLite (a CASE would compute the term twice)."""
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    return f"({2 * EARTH_RADIUS_M!r} * ASIN(SQRT({least}({nearness}, 1))))"


def nearness_within(radius_m: float) -> float:
    """The largest haversine term of a stop within radius_m: distance <= radius_m exactly
    when the term <= this."""
    return math.sin(min(radius_m / (2 * EARTH_RADIUS_M), math.pi / 2)) ** 2


def _nearest_sql(
    connection,  # noqa: ANN001
    lat: float,
    lng: float,
    radius_m: float,
    slices: list[TimeSlice],
    genre_id: int | None,
    area_id: int | None,
) -> tuple[str, list[Any]]:
    south, north, west, east = bounding_box(lat, lng, radius_m)
    rows, columns = grid_squares(south, north, west, east)
    nearness, nearness_params = _nearness_sql(lat, lng)
    square_params: list[Any] = []
    if connection.vendor == "postgresql":
        # Arrays as parameters keep the statement's text the same for every point.
        square = f"FLOOR((lat * {GRID_SCALE})) = ANY(%s)"
        square_params.append(rows)
        if columns is not None:
            square += f" AND FLOOR((lng * {GRID_SCALE})) = ANY(%s)"
            square_params.append(columns)
    else:
        # SQLite has no arrays; numbers formatted here are safe to write into the SQL.
        square = f"FLOOR((lat * {GRID_SCALE})) IN ({', '.join(f'{r:.1f}' for r in rows)})"
        if columns is not None:
            square += f" AND FLOOR((lng * {GRID_SCALE})) IN ({', '.join(f'{c:.1f}' for c in columns)})"
    # Statuses are literals written exactly as in the partial indexes' conditions: that is
    # how SQLite and PostgreSQL's planner tell that an index covers the query.
    adapt = connection.ops.adapt_datetimefield_value
    parts, params = [], []
    shared_position = False
    for part in slices:
        # The slice of the index this part reads: grid squares, start times, the box.
        reads = [square, "starts_at > %s"]
        reads_params: list[Any] = [*square_params, adapt(part.starts_after)]
        if part.starts_before is not None:
            reads.append("starts_at <= %s" if part.until_inclusive else "starts_at < %s")
            reads_params.append(adapt(part.starts_before))
        if part.ends_after is not None:
            reads.append("ends_at > %s")
            reads_params.append(adapt(part.ends_after))
        reads.append("lat >= %s AND lat <= %s AND lng >= %s AND lng <= %s")
        reads_params += [south, north, west, east]
        if part.live_only:
            status = "performance_status = 'live'"
        elif part.scheduled_only:
            # Read from stop_upcoming, which holds only scheduled stops, by latitude within a
            # square: a slice of start times that never ends would read every future stop of
            # the squares from stop_nearby.
            status = "performance_status = 'scheduled'"
        else:
            status = "performance_status IN ('scheduled', 'live')"
        where = [status, *reads]
        part_params = list(reads_params)
        if not part.scheduled_only:
            # A live performer who shares a position is nearby by where they are, not by a
            # stop: StopQuerySet.live_near finds them. They are few, read once per statement.
            where.append("performance_id NOT IN (SELECT id FROM shared_position)")
            shared_position = True
        if area_id is not None:
            where.append("area_id = %s")
            part_params.append(area_id)
        if genre_id is not None:
            where.append("performance_id IN (SELECT id FROM performances_performance WHERE genre_id = %s)")
            part_params.append(genre_id)
        # Hidden performances and artists are few, each read from its own partial index.
        where.append(
            "performance_id NOT IN (SELECT id FROM performances_performance WHERE hidden)"
            " AND performance_id NOT IN (SELECT id FROM performances_performance WHERE artist_id IN"
            " (SELECT id FROM accounts_artistprofile WHERE hidden))"
        )
        # Only numbers formatted here are interpolated; every value goes as a parameter.
        # Every column comes from the index (place_name and area_id are included in it), so
        # the winners need no second read of their stops.
        select = (
            f"SELECT id AS stop_id, performance_id, {nearness} AS nearness, lat, lng, place_name,"
            " starts_at, ends_at, area_id"
        )
        parts.append(f"{select} FROM performances_stop WHERE {' AND '.join(where)}")  # noqa: S608
        params += [*nearness_params, *part_params]
    with_shared_position = ""
    if shared_position:
        # Read once for both parts of `now`. Materialized, it also keeps PostgreSQL from
        # planning the parts on parallel workers, each reading it again: starting them cost
        # more than the whole statement.
        materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
        with_shared_position = (
            f"WITH shared_position AS {materialized} (SELECT id FROM performances_performance"  # noqa: S608
            " WHERE status = 'live' AND position_lat IS NOT NULL)"
        )
    # Stops of one performance are created in route order, so the id breaks ties like `order`.
    # Candidates rank by their haversine term (the distance grows with it); the distance
    # itself is worked out for the hundred winners only.
    sql = f"""
        {with_shared_position}
        SELECT r.stop_id, r.performance_id, {_distance_sql(connection, "r.nearness")} AS distance_m,
               r.lat, r.lng, r.place_name, CAST(r.starts_at AS TEXT) AS starts_at,
               CAST(r.ends_at AS TEXT) AS ends_at, area.slug AS area,
               p.title, p.status, p.like_count, p.position_lat, p.position_lng,
               genre.slug AS genre, artist.slug AS artist_slug, artist.stage_name AS artist_stage_name
        FROM (
            SELECT * FROM (
                SELECT *,
                       ROW_NUMBER() OVER (PARTITION BY performance_id ORDER BY nearness, stop_id) AS nth
                FROM (
                    {" UNION ALL ".join(parts)}
                    ORDER BY nearness, performance_id, stop_id
                    LIMIT %s
                ) AS candidates
                WHERE nearness <= %s
            ) AS ranked
            WHERE nth = 1
            ORDER BY nearness, performance_id, stop_id
            LIMIT %s
        ) AS r
        JOIN performances_performance p ON p.id = r.performance_id
        JOIN accounts_artistprofile artist ON artist.id = p.artist_id
        LEFT JOIN places_genre genre ON genre.id = p.genre_id
        LEFT JOIN places_area area ON area.id = r.area_id
        ORDER BY r.nearness, r.performance_id, r.stop_id
    """  # noqa: S608 - only the parts above are interpolated
    return sql, params
