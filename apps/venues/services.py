"""Jukebox rules: guests, votes, the queue and playback, and the events' life."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core import ratelimit
from apps.core.errors import Conflict, RateLimited

from . import events, metrics
from .models import EntryStatus, Event, EventStatus, Guest, QueueEntry, Venue, Vote
from .providers import provider_for
from .querysets import Ballot, VoteRules

logger = structlog.get_logger(__name__)

# What a refused vote says when the event is not active.
TAKING_VOTES = "taking votes"

QR_SALT = "venues.qr"
JOIN_CODE_SALT = "venues.join-code"
# Letters and digits nobody misreads across a room (no 0/o, 1/l/i), lower case for phones.
JOIN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
JOIN_CODE_LENGTH = 6
GUEST_SALT = "venues.guest"


# --- staff ------------------------------------------------------------------------------


def is_staff_of(event: Event, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or event.venue.staff.filter(pk=user.pk).exists()


def _check_staff(event: Event, actor: User | None) -> None:
    if not is_staff_of(event, actor):
        raise PermissionDenied("Only the venue's staff can run its events.")


# --- guests -------------------------------------------------------------------------------


def qr_window(now: datetime | None = None) -> int:
    """The number of the current QR period; the display shows a new code each period."""
    now = now or timezone.now()
    return int(now.timestamp()) // settings.EVENT_QR_ROTATE_SECONDS


def qr_token(event: Event, *, now: datetime | None = None) -> str:
    """What the display's QR code carries: signed for this event and period."""
    return signing.dumps(
        {"e": event.pk, "w": qr_window(now)}, key=_qr_key(event), salt=QR_SALT, compress=True
    )


def _qr_key(event: Event) -> str:
    return f"{settings.SECRET_KEY}:{event.qr_secret}"


def check_qr_token(event: Event, token: str, *, now: datetime | None = None) -> bool:
    """A code from this period or the one before (someone may scan it just before it turns)."""
    try:
        data = signing.loads(token, key=_qr_key(event), salt=QR_SALT)
    except signing.BadSignature:
        return False
    window = qr_window(now)
    return isinstance(data, dict) and data.get("e") == event.pk and data.get("w") in {window, window - 1}


def join_code(event: Event, *, now: datetime | None = None) -> str:
    """The short code the display shows beside its QR code, for guests who cannot scan.

    Derived like the QR code from the event's secret and the period, so it turns with it and
    proves the same thing: the guest can see the screen now.
    """
    return _join_code(event, qr_window(now))


def _join_code(event: Event, window: int) -> str:
    digest = hmac.new(
        f"{_qr_key(event)}:{JOIN_CODE_SALT}".encode(), str(window).encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(JOIN_CODE_LENGTH):
        number, index = divmod(number, len(JOIN_CODE_ALPHABET))
        letters.append(JOIN_CODE_ALPHABET[index])
    return "".join(letters)


JOIN_CODE_WINDOW_SECONDS = 600


def event_for_join_code(code: str, *, network: str = "", now: datetime | None = None) -> Event | None:
    """The open event whose screen shows this code now (or did until the last turn), if any.

    A network that typed too many codes no screen showed is refused (RateLimited) before its
    code is looked at, so a guesser cannot tell a right guess from a refusal.
    """
    name = f"venues:join-code-misses:{network}"
    limit, window = settings.EVENT_JOIN_CODE_MISSES_PER_NETWORK, JOIN_CODE_WINDOW_SECONDS
    if network and (wait := ratelimit.waiting(name, limit, window)) is not None:
        minutes = math.ceil(wait / 60)
        raise RateLimited(
            f"Too many codes no screen shows were typed from this network; try again in {minutes} min.",
            retry_after=math.ceil(wait),
            code="join_code_misses",
        )
    event = _event_showing(code, now)
    if event is None and network:
        ratelimit.hit(name, limit, window)
    return event


def _event_showing(code: str, now: datetime | None) -> Event | None:
    code = code.strip().lower()
    if len(code) != JOIN_CODE_LENGTH:
        return None
    window = qr_window(now)
    # A venue runs one event at a time: the open events are few, and each is checked in turn.
    for event in Event.objects.active().only("pk", "qr_secret", "status"):
        for period in (window, window - 1):
            if hmac.compare_digest(_join_code(event, period), code):
                return event
    return None


def join_with_qr(
    event: Event, token: str, *, user: User | None = None, current: Guest | None = None
) -> Guest:
    """Start a guest session from a scanned code; a signed-in fan votes as themselves.

    Scanning again on a device that already has a guest of this event keeps that guest,
    so its limits (one vote per track, cooldown, hourly cap) carry on.
    """
    _require_active(event, doing=TAKING_VOTES)
    if not check_qr_token(event, token):
        raise ValidationError({"token": "This code has expired. Scan the one on the screen now."})
    if current is not None and current.event_id == event.pk and (user is None or current.user_id == user.pk):
        return current
    return guest_for(event, user=user)


def guest_for(event: Event, *, user: User | None = None) -> Guest:
    """The fan's own guest at this event (one per fan), or a new anonymous guest."""
    if user is None or not user.is_authenticated:
        return Guest.objects.create(event=event)
    guest = Guest.objects.filter(event=event, user=user).first()
    if guest is not None:
        return guest
    try:
        with transaction.atomic():
            return Guest.objects.create(event=event, user=user)
    except IntegrityError:
        return Guest.objects.get(event=event, user=user)


def guest_token(guest: Guest) -> str:
    """A bearer token for apps (``X-Guest-Token``); the web keeps it in a signed cookie."""
    return signing.dumps({"g": str(guest.key), "e": guest.event_id}, salt=GUEST_SALT)


def guest_from_token(event: Event, token: str) -> Guest | None:
    try:
        data = signing.loads(token, salt=GUEST_SALT, max_age=settings.EVENT_GUEST_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != event.pk:
        return None
    return Guest.objects.filter(event=event, key=data.get("g")).first()


# --- votes --------------------------------------------------------------------------------


def _entry_conflict(latest: Ballot, now: datetime) -> None:
    """Refuse votes for what is playing, what played, and a vetoed track within its window."""
    if latest.entry_id is None:
        return
    if latest.voted_by_guest and latest.status == EntryStatus.QUEUED:
        raise Conflict("You already voted for this track.", code="already_voted", field="track")
    if latest.status == EntryStatus.PLAYING:
        raise Conflict("This track is playing now.", code="track_playing", field="track")
    if latest.status in {EntryStatus.PLAYED, EntryStatus.SKIPPED}:
        raise Conflict("This track has already played tonight.", code="track_played", field="track")
    if latest.status == EntryStatus.VETOED and latest.vetoed_until and latest.vetoed_until > now:
        until = timezone.localtime(latest.vetoed_until).strftime("%H:%M")
        raise Conflict(
            f"The venue set this track aside; it can be requested again after {until}.",
            code="track_vetoed",
            field="track",
        )


def _cooldown_wait(rules: Event | VoteRules, last_vote: datetime | None, now: datetime) -> int:
    """Whole seconds until a guest whose last vote was at ``last_vote`` may vote again."""
    if last_vote is None or not rules.vote_cooldown_seconds:
        return 0
    left = (last_vote + timedelta(seconds=rules.vote_cooldown_seconds) - now).total_seconds()
    return max(math.ceil(left), 1) if left > 0 else 0


def cooldown_left(event: Event, guest: Guest | None, *, now: datetime | None = None) -> int:
    """Seconds until this guest's next vote is allowed (0: now), as a refused vote would say."""
    if guest is None:
        return 0
    last = (
        Vote.objects.filter(guest=guest).order_by("-created_at").values_list("created_at", flat=True).first()
    )
    return _cooldown_wait(event, last, now or timezone.now())


def _check_rate(event_id: int, rules: VoteRules, ballot: Ballot, now: datetime, network: str) -> None:
    wait = _cooldown_wait(rules, ballot.newest_vote, now)
    if wait:
        raise RateLimited(f"Vote again in {wait} s.", retry_after=wait, code="vote_cooldown")
    cap = rules.votes_per_guest_per_hour
    if ballot.recent_votes >= cap:
        wait = math.ceil((ballot.oldest_vote + timedelta(hours=1) - now).total_seconds())
        minutes = math.ceil(wait / 60)
        raise RateLimited(
            f"That's {cap} votes this hour; vote again in {minutes} min.",
            retry_after=max(wait, 1),
            code="vote_hourly_cap",
        )
    if network:
        # Venue Wi-Fi puts a whole room behind one address: a generous cap per network.
        wait = ratelimit.hit(
            f"venues:votes:{event_id}:{network}", limit=settings.EVENT_VOTES_PER_NETWORK_PER_MINUTE, window=60
        )
        if wait is not None:
            raise RateLimited(
                "Too many votes from this network; try again shortly.",
                retry_after=math.ceil(wait),
                code="vote_network_cap",
            )


def cast_vote(event: Event, track_id: int, *, guest: Guest, network: str = "") -> QueueEntry:
    """A guest's vote for a track of the pool; requesting a track is its first vote.

    Refusals change nothing: 409 (not active, playing, played, vetoed, already voted),
    429 with a retry time (cooldown, hourly cap, network cap), 400 (not in the pool).
    """
    if guest.event_id != event.pk:
        raise PermissionDenied("This guest belongs to another event.")
    _require_active(event, doing=TAKING_VOTES)
    track = provider_for(event).track(event, track_id)
    if track is None:
        raise ValidationError({"track": "This track is not in tonight's pool."})
    try:
        with transaction.atomic():
            # An event's votes and its playback go one at a time: a vote never lands after
            # the event ended or on a track that just started, and two guests requesting
            # one track at once make one entry. A guest belongs to one event, so their double
            # taps wait their turn behind the same lock. Every vote of a busy night queues
            # here: what runs under the lock is the lock, one read and at most two writes.
            rules = Event.objects.lock_for_vote(event.pk)
            if rules is None:  # deleted since the request found it
                raise Conflict(f"This event is not {TAKING_VOTES}.", code="event_not_active", field="event")
            _require_active(rules, doing=TAKING_VOTES)
            now = timezone.now()
            hour_ago, cap = now - timedelta(hours=1), rules.votes_per_guest_per_hour
            ballot = QueueEntry.objects.ballot(event.pk, track.pk, guest.pk, since=hour_ago, cap=cap)
            _entry_conflict(ballot, now)
            _check_rate(event.pk, rules, ballot, now, network)
            created = ballot.entry_id is None or ballot.status != EntryStatus.QUEUED
            if not created:
                entry = QueueEntry(pk=ballot.entry_id, event=event, track=track, votes=ballot.votes + 1)
            else:
                # A request is its entry's first vote: the entry is created counted.
                entry = QueueEntry.objects.create(
                    event=event, track=track, requested_by=guest, votes=1, reached_at=now, created_at=now
                )
            # Only an inserted vote moves the count, atomically in the database; under the
            # event's lock nobody else moved it since it was read.
            QueueEntry.objects.record_vote(
                entry.pk,
                guest_id=guest.pk,
                event_id=event.pk,
                track_id=track.pk,
                user_id=guest.user_id,
                now=now,
                counted=created,
            )
            entry.reached_at = now
            change = events.queue_changed(event.pk)
    except IntegrityError:
        # The constraints are the last word on duplicates; the locks above make this rare.
        raise Conflict("You already voted for this track.", code="already_voted", field="track") from None
    metrics.VOTES.inc()
    # The event's last update number, read as the vote's snapshot was asked for (None inside an
    # outer transaction, which has not committed yet): the vote's answer carries it.
    entry.queue_seq = change.seq
    return entry


# --- playback -------------------------------------------------------------------------------


def _finish_playing(event: Event, status: str, now: datetime) -> QueueEntry | None:
    playing = QueueEntry.objects.select_for_update().filter(event=event, status=EntryStatus.PLAYING).first()
    if playing is not None:
        playing.status, playing.finished_at = status, now
        playing.save(update_fields=["status", "finished_at"])
    return playing


def _start_top(event: Event, now: datetime) -> QueueEntry | None:
    top = QueueEntry.objects.filter(event=event).queued().select_for_update().first()
    if top is not None:
        top.status, top.started_at = EntryStatus.PLAYING, now
        top.save(update_fields=["status", "started_at"])
        events.track_started(event.pk)
    events.queue_changed(event.pk)
    return top


def _lock_event(event: Event) -> Event:
    # Playback changes of one event go one at a time (two displays, staff pressing next).
    return Event.objects.select_for_update().get(pk=event.pk)


def _advance(event: Event, actor: User | None, finished_as: str) -> QueueEntry | None:
    _check_staff(event, actor)
    event = _lock_event(event)
    _require_active(event)
    now = timezone.now()
    _finish_playing(event, finished_as, now)
    return _start_top(event, now)


@transaction.atomic
def play_next(event: Event, *, actor: User | None) -> QueueEntry | None:
    """Staff press "next": what is playing goes to the history and the top of the queue plays."""
    return _advance(event, actor, EntryStatus.PLAYED)


@transaction.atomic
def track_ended(event: Event, entry_id: int, *, actor: User | None) -> QueueEntry | None:
    """The display's player finished ``entry_id``; a repeated or late report changes nothing."""
    _check_staff(event, actor)
    event = _lock_event(event)
    _require_active(event)
    playing = QueueEntry.objects.filter(event=event, status=EntryStatus.PLAYING).first()
    if playing is None or playing.pk != entry_id:
        return playing
    now = timezone.now()
    _finish_playing(event, EntryStatus.PLAYED, now)
    return _start_top(event, now)


@transaction.atomic
def skip(event: Event, *, actor: User | None) -> QueueEntry | None:
    """Staff cut the playing track short; it counts as skipped, and the next one plays."""
    return _advance(event, actor, EntryStatus.SKIPPED)


@transaction.atomic
def veto(event: Event, entry_id: int, *, actor: User | None) -> QueueEntry:
    """Staff set a queued or playing track aside; it cannot be requested within the veto window."""
    _check_staff(event, actor)
    event = _lock_event(event)
    _require_active(event)
    entry = QueueEntry.objects.select_for_update().filter(event=event, pk=entry_id).first()
    if entry is None or entry.status not in {EntryStatus.QUEUED, EntryStatus.PLAYING}:
        raise Conflict("Only a queued or playing track can be vetoed.", code="not_vetoable", field="entry")
    now = timezone.now()
    was_playing = entry.status == EntryStatus.PLAYING
    entry.status, entry.finished_at = EntryStatus.VETOED, now
    entry.vetoed_until = now + timedelta(minutes=event.veto_window_minutes)
    entry.save(update_fields=["status", "finished_at", "vetoed_until"])
    if was_playing:
        _start_top(event, now)
    else:
        events.queue_changed(event.pk)
    return entry


@transaction.atomic
def remove(event: Event, entry_id: int, *, actor: User | None) -> QueueEntry:
    """Staff take a queued track off the queue (it may be requested again)."""
    _check_staff(event, actor)
    event = _lock_event(event)
    _require_active(event)
    entry = QueueEntry.objects.select_for_update().filter(event=event, pk=entry_id).first()
    if entry is None or entry.status != EntryStatus.QUEUED:
        raise Conflict("Only a queued track can be removed.", code="not_removable", field="entry")
    entry.status, entry.finished_at = EntryStatus.REMOVED, timezone.now()
    entry.save(update_fields=["status", "finished_at"])
    events.queue_changed(event.pk)
    return entry


def _require_active(event: Event, *, doing: str = "running") -> None:
    if event.status != EventStatus.ACTIVE:
        raise Conflict(f"This event is not {doing}.", code="event_not_active", field="event")


# --- the event's life -----------------------------------------------------------------------


@transaction.atomic
def activate_event(event: Event, *, actor: User | None) -> Event:
    """Open a draft event for votes; a venue runs one event at a time."""
    _check_staff(event, actor)
    return _activate(event)


def _activate(event: Event) -> Event:
    # The venue's row: two of its drafts activated at once must not both pass the check.
    Venue.objects.select_for_update().filter(pk=event.venue_id).values_list("pk").first()
    event = _lock_event(event)
    if event.status != EventStatus.DRAFT:
        raise Conflict("Only a draft event can be activated.", code="not_draft", field="status")
    if Event.objects.filter(venue=event.venue, status=EventStatus.ACTIVE).exclude(pk=event.pk).exists():
        raise Conflict(
            "Another event is running at this venue; end it first.", code="venue_busy", field="status"
        )
    event.status = EventStatus.ACTIVE
    event.save(update_fields=["status"])
    events.queue_changed(event.pk)
    return event


@transaction.atomic
def end_event(event: Event, *, actor: User | None) -> Event:
    """Close an event: no more votes; what was playing goes to the history."""
    _check_staff(event, actor)
    return _end(event, timezone.now())


def _end(event: Event, now: datetime) -> Event:
    event = _lock_event(event)
    if event.status != EventStatus.ACTIVE:
        raise Conflict("Only an active event can be ended.", code="not_active", field="status")
    _finish_playing(event, EntryStatus.PLAYED, now)
    event.status = EventStatus.ENDED
    event.save(update_fields=["status"])
    events.queue_changed(event.pk)
    return event


def open_and_close_due_events(*, now: datetime | None = None) -> tuple[list[Event], list[Event]]:
    """Keep the nights' hours: close running events whose end has come, then open the drafts set
    to open by themselves whose start has come (closing first frees a venue for its next night).
    Each in its own transaction, so one that cannot change does not hold up the others."""
    now = now or timezone.now()
    closed = _each(Event.objects.due_to_close(now), lambda event: _end(event, now), "event_closed")
    opened = _each(Event.objects.due_to_open(now), _activate, "event_opened")
    return opened, closed


def _each(due, change, done: str) -> list[Event]:  # noqa: ANN001
    changed = []
    for event in due:
        try:
            with transaction.atomic():
                changed.append(change(event))
        except Conflict as refusal:
            # Ended by staff meanwhile, or the venue still runs another night: the next sweep
            # looks again.
            logger.info("event_not_changed", event_id=event.pk, reason=refusal.code)
        except Exception:
            logger.exception("event_not_changed", event_id=event.pk)
        else:
            logger.info(done, event_id=event.pk)
    return changed
