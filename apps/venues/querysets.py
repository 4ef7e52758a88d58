from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connections, models, router

from apps.core.rows import is_key, loaded, moment
from apps.media.querysets import PUBLIC_TRACK, PUBLIC_TRACK_FIELDS

# --- a vote's statements, written out -------------------------------------------------------
# A busy night runs these twenty times a second, all but the first under the event's lock;
# through the ORM, building each statement cost more than the database took to run it.

LOCK_EVENT = "SELECT status, vote_cooldown_seconds, votes_per_guest_per_hour FROM venues_event WHERE id = %s"
BALLOT = """
SELECT latest.id, latest.status, latest.votes, latest.vetoed_until,
       EXISTS (SELECT 1 FROM venues_vote AS mine
               WHERE mine.entry_id = latest.id AND mine.guest_id = %s),
       recent.n, recent.newest, recent.oldest
FROM (SELECT COUNT(*) AS n, MAX(created_at) AS newest, MIN(created_at) AS oldest
      FROM (SELECT created_at FROM venues_vote
            WHERE guest_id = %s AND created_at > %s
            ORDER BY created_at DESC LIMIT %s) AS last_hour) AS recent
LEFT JOIN (SELECT id, status, votes, vetoed_until FROM venues_queueentry
           WHERE event_id = %s AND track_id = %s
           ORDER BY id DESC LIMIT 1) AS latest ON 1 = 1
"""
# public() for one event by its key, with the fan's guest at it if they have one.
EVENT_AND_GUEST = """
SELECT event.id, event.venue_id, event.status, event.vote_cooldown_seconds,
       event.votes_per_guest_per_hour, guest.id
FROM venues_event AS event
LEFT JOIN venues_guest AS guest ON guest.event_id = event.id AND guest.user_id = %s
WHERE event.id = %s AND event.status <> %s
"""
# A track of an event's pool (LocalCatalog.pool(), for one track): public, and named by one
# of the pool's rules. A vote checks this before taking the lock.
POOL_RULES = (
    ("pool_tracks", "track.id"),
    ("pool_genres", "track.genre_id"),
    ("pool_areas", "track.area_id"),
    ("pool_artists", "track.artist_id"),
)


@cache  # once the models are ready: the rules' tables are named by their models
def _pool_track() -> str:
    from .models import Event

    rules = []
    for name, column in POOL_RULES:
        field = Event._meta.get_field(name)
        table = field.remote_field.through._meta.db_table
        event_id, rule_id = field.m2m_column_name(), field.m2m_reverse_name()
        # Every name comes from the models; the keys are parameters.
        rule = f"SELECT 1 FROM {table} AS rule WHERE rule.{event_id} = %s AND rule.{rule_id} = {column}"  # noqa: S608
        rules.append(f"EXISTS ({rule})")
    return PUBLIC_TRACK + " AND (" + " OR ".join(rules) + ")"


# The queue every client shows, built for each change of a busy night (at most once per
# coalescing window): the rows of queued(), playing() and history(), written out with their
# track and artist. A test keeps their order the querysets' own.
ENTRY_ROWS = """
SELECT entry.id, entry.votes, entry.status, entry.started_at, entry.track_id, track.title,
       track.duration, track.thumbnail, artist.slug, artist.stage_name, track.web_file
FROM venues_queueentry AS entry
INNER JOIN media_track AS track ON track.id = entry.track_id
INNER JOIN accounts_artistprofile AS artist ON artist.id = track.artist_id
WHERE entry.event_id = %s AND """
# Each part of the queue: which entries, in which order (the querysets' own: queued(),
# playing(), history()).
QUEUE_STATUSES = {"playing": "= 'playing'", "queued": "= 'queued'", "history": "IN ('played', 'skipped')"}
QUEUE_ORDER = {
    "playing": ("id",),
    "queued": ("votes DESC", "reached_at", "id"),
    "history": ("finished_at DESC", "id DESC"),
}


def _ordered(part: str, table: str = "") -> str:
    return ", ".join(f"{table}{term}" for term in QUEUE_ORDER[part])


QUEUE_PARTS = {
    part: f"entry.status {QUEUE_STATUSES[part]} ORDER BY {_ordered(part, 'entry.')} LIMIT %s"
    for part in QUEUE_ORDER
}
# The whole queue in one statement, for a snapshot: the event's status, then each part's
# entries, chosen and numbered in the part's order.
_PART = """
SELECT {number} AS part, ROW_NUMBER() OVER (ORDER BY {order}) AS place, id
FROM (SELECT id, votes, reached_at, finished_at FROM venues_queueentry
      WHERE event_id = %s AND status {status} ORDER BY {order} LIMIT %s) AS {part}"""
_CHOSEN = " UNION ALL ".join(
    _PART.format(number=number, order=_ordered(part), status=QUEUE_STATUSES[part], part=part)
    for number, part in enumerate(QUEUE_ORDER)
)
WHOLE_QUEUE = f"""
SELECT event.status, chosen.part, entry.id, entry.votes, entry.status, entry.started_at,
       entry.track_id, track.title, track.duration, track.thumbnail, artist.slug, artist.stage_name,
       track.web_file
FROM venues_event AS event
LEFT JOIN ({_CHOSEN}) AS chosen ON 1 = 1
LEFT JOIN venues_queueentry AS entry ON entry.id = chosen.id
LEFT JOIN media_track AS track ON track.id = entry.track_id
LEFT JOIN accounts_artistprofile AS artist ON artist.id = track.artist_id
WHERE event.id = %s ORDER BY chosen.part, chosen.place
"""  # noqa: S608 - only the parts above are interpolated; values go as parameters
# Named as values() names them, for the messages built from them.
ENTRY_ROW_NAMES = (
    "id",
    "votes",
    "status",
    "started_at",
    "track_id",
    "track__title",
    "track__duration",
    "track__thumbnail",
    "track__artist__slug",
    "track__artist__stage_name",
    "track__web_file",
)


def _entry_row(values: Sequence[object]) -> dict:
    """An entry's hand-written row, named as ENTRY_ROW_NAMES says, its start made aware."""
    row = dict(zip(ENTRY_ROW_NAMES, values, strict=True))
    row["started_at"] = moment(row["started_at"])
    return row


INSERT_VOTE = (
    "INSERT INTO venues_vote (entry_id, guest_id, event_id, track_id, user_id, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s)"
)
COUNT_VOTE = "UPDATE venues_queueentry SET votes = votes + 1, reached_at = %s WHERE id = %s"


@dataclass(frozen=True)
class VoteRules:
    """What the event's lock reads again: a vote is judged by the rules as they are now."""

    status: str
    vote_cooldown_seconds: int
    votes_per_guest_per_hour: int


@dataclass(frozen=True)
class Ballot:
    """What a vote is judged by: the track's latest entry tonight (``entry_id`` None if it
    has none) and whether this guest voted it; the guest's votes of the last hour, how many
    (up to the hourly cap), the newest and the oldest."""

    entry_id: int | None
    status: str | None
    votes: int | None
    vetoed_until: datetime | None
    voted_by_guest: bool
    recent_votes: int
    newest_vote: datetime | None
    oldest_vote: datetime | None


def _is_everywhere(user) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.is_superuser)


class VenueQuerySet(models.QuerySet):
    def for_staff(self, user) -> VenueQuerySet:  # noqa: ANN001
        """The venues this person works at (superusers: all); nobody else's."""
        if _is_everywhere(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(staff=user)


class EventQuerySet(models.QuerySet):
    def for_staff(self, user) -> EventQuerySet:  # noqa: ANN001
        if _is_everywhere(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(venue__staff=user)

    def public(self) -> EventQuerySet:
        """What guests can open: events once they are active, and their history after."""
        return self.exclude(status="draft")

    def active(self) -> EventQuerySet:
        return self.filter(status="active")

    def due_to_open(self, now: datetime) -> EventQuerySet:
        """Drafts set to open by themselves whose hours have begun and not yet ended."""
        return self.filter(
            status="draft", opens_automatically=True, starts_at__lte=now, ends_at__gt=now
        ).order_by("starts_at", "id")

    def due_to_close(self, now: datetime) -> EventQuerySet:
        return self.active().filter(ends_at__lte=now).order_by("ends_at", "id")

    def public_with_guest(self, event_id: int, user_id: int):  # noqa: ANN201 - (Event, Guest | None) | None
        """``public()``'s event by its key with the fan's guest at it (None if they have none):
        the two a vote from an app starts from, in one statement. Each is loaded with what a
        vote reads; the rest of its fields load when first read. None: no such public event."""
        from .models import Guest

        if not is_key(event_id):
            return None
        with connections[self.db].cursor() as cursor:
            cursor.execute(EVENT_AND_GUEST, [user_id, event_id, "draft"])
            row = cursor.fetchone()
        if row is None:
            return None
        *values, guest_id = row
        fields = ("id", "venue_id", "status", "vote_cooldown_seconds", "votes_per_guest_per_hour")
        event = loaded(self.model, self.db, fields, values)
        if guest_id is None:
            return event, None
        return event, loaded(Guest, self.db, ("id", "event_id", "user_id"), (guest_id, event_id, user_id))

    def pool_track(self, event_id: int, track_id: int):  # noqa: ANN201 - a Track, or None
        """The track of the event's pool with this key (its id, title, genre, area and artist
        loaded, the rest when first read), or None: not a public track, or named by none of
        the pool's rules."""
        from apps.media.models import MediaStatus, Track

        if not is_key(track_id):
            return None
        with connections[self.db].cursor() as cursor:
            cursor.execute(_pool_track(), [track_id, MediaStatus.READY, *[event_id] * len(POOL_RULES)])
            row = cursor.fetchone()
        return loaded(Track, self.db, PUBLIC_TRACK_FIELDS, row) if row is not None else None

    def lock_for_vote(self, event_id: int) -> VoteRules | None:
        """Take the event's lock (where the database locks rows) and read its vote rules."""
        connection = connections[router.db_for_write(self.model)]
        locking = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(LOCK_EVENT + locking, [event_id])
            row = cursor.fetchone()
        return VoteRules(*row) if row else None


class QueueEntryQuerySet(models.QuerySet):
    def queued(self) -> QueueEntryQuerySet:
        # Most votes first; among equal counts the entry that got there first; then id.
        return self.filter(status="queued").order_by("-votes", "reached_at", "id")

    def playing(self) -> QueueEntryQuerySet:
        return self.filter(status="playing")

    def history(self) -> QueueEntryQuerySet:
        return self.filter(status__in=["played", "skipped"]).order_by("-finished_at", "-id")

    def entry_rows(self, event_id: int, part: str, limit: int) -> list[dict]:
        """The event's ``playing``, ``queued`` or ``history`` entries, in that queryset's order,
        as rows named like values()'s (track and artist included)."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(ENTRY_ROWS + QUEUE_PARTS[part], [event_id, limit])
            rows = cursor.fetchall()
        return [_entry_row(row) for row in rows]

    def whole_queue(self, event_id: int, limits: dict[str, int]) -> tuple[str | None, dict[str, list[dict]]]:
        """The event's status (None: no such event) and each part's entry_rows(), up to its
        limit in `limits`, in one statement: what a snapshot shows."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                WHOLE_QUEUE,
                [*(value for part in QUEUE_ORDER for value in (event_id, limits[part])), event_id],
            )
            rows = cursor.fetchall()
        parts: dict[str, list[dict]] = {part: [] for part in QUEUE_ORDER}
        names = list(QUEUE_ORDER)
        for _, part, *values in rows:
            if part is not None:
                parts[names[part]].append(_entry_row(values))
        return (rows[0][0] if rows else None), parts

    def ballot(self, event_id: int, track_id: int, guest_id: int, *, since: datetime, cap: int) -> Ballot:
        """Read under the event's lock, from the database a vote is written to."""
        connection = connections[router.db_for_write(self.model)]
        at = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.execute(BALLOT, [guest_id, guest_id, at(since), cap, event_id, track_id])
            entry_id, status, votes, vetoed_until, voted, recent, newest, oldest = cursor.fetchone()
        vetoed_until, newest, oldest = moment(vetoed_until), moment(newest), moment(oldest)
        return Ballot(entry_id, status, votes, vetoed_until, bool(voted), recent, newest, oldest)

    def record_vote(
        self,
        entry_id: int,
        *,
        guest_id: int,
        event_id: int,
        track_id: int,
        user_id: int | None,
        now: datetime,
        counted: bool,
    ) -> None:
        """The vote's row, and one more vote on its entry unless the entry was created counted."""
        connection = connections[router.db_for_write(self.model)]
        at = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(INSERT_VOTE, [entry_id, guest_id, event_id, track_id, user_id, at])
            if not counted:
                cursor.execute(COUNT_VOTE, [at, entry_id])
