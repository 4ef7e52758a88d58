"""Performance rules: routes of stops, going live, position, likes and views."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts import services as accounts_services
from apps.accounts.models import ArtistProfile, Notification, NotificationKind, User
from apps.core.errors import Conflict, RateLimited
from apps.places.geo import parse_boundary
from apps.places.models import Area, Genre
from apps.places.querysets import smallest_containing

from . import events
from .models import Like, Performance, PerformanceStatus, Stop, View
from .querysets import MAX_STOP_LENGTH

logger = structlog.get_logger(__name__)

MAX_STOPS = 5
TITLE_MAX = 100
DESCRIPTION_MAX = 500
PLACE_MAX = 200
# An artist may go live a little before a stop starts: setting up takes time.
GO_LIVE_EARLY = timedelta(minutes=30)


@dataclass(frozen=True)
class StopData:
    lat: float
    lng: float
    place_name: str
    starts_at: datetime
    ends_at: datetime

    def same_as(self, stop: Stop) -> bool:
        return (
            math.isclose(self.lat, stop.lat, abs_tol=1e-7)
            and math.isclose(self.lng, stop.lng, abs_tol=1e-7)
            and self.place_name == stop.place_name
            and self.starts_at == stop.starts_at
            and self.ends_at == stop.ends_at
        )


def _check_owner(performance_or_artist: Performance | ArtistProfile, actor: User) -> None:
    artist = (
        performance_or_artist.artist
        if isinstance(performance_or_artist, Performance)
        else performance_or_artist
    )
    if actor is None or artist.user_id != actor.id:
        raise PermissionDenied("Only the artist can change this performance.")


def _number(value: Any, name: str, low: float, high: float, *, key: str = "stops", where: str = "") -> float:
    prefix = f"{where}: " if where else ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({key: f"{prefix}{name} must be a number."}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError({key: f"{prefix}{name} must be between {low:g} and {high:g}."})
    return number


def _moment(value: Any, name: str, where: str) -> datetime:
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        value = parsed if parsed is not None else value
    if not isinstance(value, datetime):
        raise ValidationError({"stops": f"{where}: {name} must be a date and time."})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def clean_route(stops: Sequence[Mapping[str, Any]]) -> list[StopData]:
    """Check a route: 1–5 stops, each in range with its end after its start, in time order,
    none overlapping the one before. Errors name the stop and the rule."""
    if not isinstance(stops, Sequence) or isinstance(stops, str | bytes):
        raise ValidationError({"stops": "Give the route as a list of stops."})
    if not 1 <= len(stops) <= MAX_STOPS:
        raise ValidationError({"stops": f"A route has 1 to {MAX_STOPS} stops; this one has {len(stops)}."})
    route: list[StopData] = []
    for number, raw in enumerate(stops, start=1):
        try:
            where = f"Stop {number}"
            if not isinstance(raw, Mapping):
                raise ValidationError(
                    {"stops": f"{where}: give lat, lng, place_name, starts_at and ends_at."}
                )
            place = str(raw.get("place_name") or "").strip()
            if not place:
                raise ValidationError({"stops": f"{where}: place_name is required."})
            if len(place) > PLACE_MAX:
                raise ValidationError({"stops": f"{where}: place_name has at most {PLACE_MAX} characters."})
            stop = StopData(
                lat=_number(raw.get("lat"), "lat", -90, 90, where=where),
                lng=_number(raw.get("lng"), "lng", -180, 180, where=where),
                place_name=place,
                starts_at=_moment(raw.get("starts_at"), "starts_at", where),
                ends_at=_moment(raw.get("ends_at"), "ends_at", where),
            )
            if stop.ends_at <= stop.starts_at:
                raise ValidationError({"stops": f"{where}: ends_at must be after starts_at."})
            if stop.ends_at - stop.starts_at > MAX_STOP_LENGTH:
                hours = MAX_STOP_LENGTH // timedelta(hours=1)
                raise ValidationError({"stops": f"{where}: a stop lasts at most {hours} hours."})
            if route:
                previous = route[-1]
                if stop.starts_at < previous.starts_at:
                    raise ValidationError(
                        {"stops": f"{where} starts before stop {number - 1}: list stops in time order."}
                    )
                if stop.starts_at < previous.ends_at:
                    raise ValidationError(
                        {"stops": f"{where} overlaps stop {number - 1}: it starts before that one ends."}
                    )
            route.append(stop)
        except ValidationError as exc:
            # Each message also says which stop broke the rule: forms put it on that stop.
            raise ValidationError(
                {"stops": [ValidationError(m, params={"stop": number}) for m in exc.messages]}
            ) from None
    return route


@dataclass(frozen=True)
class KnownPlace:
    """A place the route form offers: a name and a point, and where it comes from
    (`route`: this performance, `earlier`: another of the artist's, `area`: a city area)."""

    name: str
    lat: float
    lng: float
    kind: str


PLACE_SEARCH_LIMIT = 8


def _area_centre(area: Area) -> tuple[float, float] | None:
    # The centroid, unless the shape bends around it (then a point surely inside).
    try:
        shape = parse_boundary(area.boundary)
    except ValidationError:
        return None
    point = shape.centroid if shape.covers(shape.centroid) else shape.representative_point()
    return point.y, point.x


def find_places(
    artist: ArtistProfile, text: str, *, performance: Performance | None = None
) -> list[KnownPlace]:
    """Known places whose name contains the text: the artist's own stops (this route's first,
    each name once, the latest point), then the city's areas at their centre. No geocoder."""
    text = text.strip()
    own: dict[str, KnownPlace] = {}
    for row in Stop.objects.places_of(artist, text)[:200]:
        key = row["place_name"].casefold()
        in_route = performance is not None and row["performance_id"] == performance.pk
        if key not in own or (in_route and own[key].kind != "route"):
            kind = "route" if in_route else "earlier"
            own[key] = KnownPlace(row["place_name"], row["lat"], row["lng"], kind)
    areas = []
    for area in Area.objects.filter(name__icontains=text).order_by("name")[:PLACE_SEARCH_LIMIT]:
        centre = _area_centre(area)
        if centre is not None and area.name.casefold() not in own:
            areas.append(KnownPlace(area.name, centre[0], centre[1], "area"))
    # Within a kind, names that start with the text come first.
    rank = {"route": 0, "earlier": 1, "area": 2}
    places = sorted(
        [*own.values(), *areas],
        key=lambda p: (rank[p.kind], not p.name.casefold().startswith(text.casefold())),
    )
    return places[:PLACE_SEARCH_LIMIT]


def _clean_text(title: Any = None, description: Any = None) -> dict[str, str]:
    changes: dict[str, str] = {}
    if title is not None:
        title = str(title).strip()
        if not 1 <= len(title) <= TITLE_MAX:
            raise ValidationError({"title": f"A title has 1 to {TITLE_MAX} characters."})
        changes["title"] = title
    if description is not None:
        description = str(description).strip()
        if len(description) > DESCRIPTION_MAX:
            raise ValidationError({"description": f"A description has at most {DESCRIPTION_MAX} characters."})
        changes["description"] = description
    return changes


def _check_genre(genre: Any) -> Genre | None:
    if genre is not None and not isinstance(genre, Genre):
        raise ValidationError({"genre": "Choose a genre from the list."})
    return genre


def _save_stops(performance: Performance, route: Sequence[StopData], *, first_order: int = 1) -> None:
    areas = list(Area.objects.all())  # a city has a handful; one query for the whole route
    Stop.objects.bulk_create(
        [
            Stop(
                performance=performance,
                order=first_order + index,
                lat=stop.lat,
                lng=stop.lng,
                place_name=stop.place_name,
                area=smallest_containing(areas, stop.lat, stop.lng),
                starts_at=stop.starts_at,
                ends_at=stop.ends_at,
                performance_status=performance.status,
            )
            for index, stop in enumerate(route)
        ]
    )


@transaction.atomic
def create_performance(
    artist: ArtistProfile,
    *,
    actor: User,
    title: str,
    stops: Sequence[Mapping[str, Any]],
    description: str = "",
    genre: Genre | None = None,
) -> Performance:
    """Plan a performance as a route of stops."""
    _check_owner(artist, actor)
    text = _clean_text(title, description)
    route = clean_route(stops)
    performance = Performance.objects.create(artist=artist, genre=_check_genre(genre), **text)
    _save_stops(performance, route)
    events.performance_changed(performance, "performance.updated")
    return performance


@transaction.atomic
def update_performance(
    performance: Performance,
    *,
    actor: User,
    title: str | None = None,
    description: str | None = None,
    genre: Genre | None | object = ...,
    stops: Sequence[Mapping[str, Any]] | None = None,
) -> Performance:
    """Change a performance. Stops that have started stay as they were."""
    _check_owner(performance, actor)
    performance = Performance.objects.select_for_update().get(pk=performance.pk)
    text = _clean_text(title, description)
    if genre is not ...:
        performance.genre = _check_genre(genre)
    for field, value in text.items():
        setattr(performance, field, value)
    cells_before = events.cells_of(performance)
    if stops is not None:
        route = clean_route(stops)
        if performance.is_finished:
            raise Conflict(
                f"This performance is {performance.status}; its route is history now.",
                code="route_locked",
                field="stops",
            )
        now = timezone.now()
        started = list(performance.stops.filter(starts_at__lte=now).order_by("order"))
        if len(route) < len(started) or not all(
            new.same_as(old) for new, old in zip(route, started, strict=False)
        ):
            raise Conflict(
                "Stops that have already started cannot be changed or removed.",
                code="past_stops_locked",
                field="stops",
            )
        performance.stops.exclude(pk__in=[s.pk for s in started]).delete()
        _save_stops(performance, route[len(started) :], first_order=len(started) + 1)
    performance.save()
    events.performance_changed(performance, "performance.updated", extra_cells=cells_before)
    return performance


@transaction.atomic
def delete_performance(performance: Performance, *, actor: User) -> None:
    """Delete a plan that never happened. Anything that went live stays as history."""
    performance = _transition(
        performance, actor, {PerformanceStatus.SCHEDULED}, "be deleted (only a scheduled one can)"
    )
    cells = events.cells_of(performance)
    performance_id = performance.pk
    performance.delete()
    events.performance_removed(performance_id, cells)


def _save_status(performance: Performance) -> None:
    performance.save()
    performance.stops.update(performance_status=performance.status)


def _transition(performance: Performance, actor: User, allowed: set[str], verb: str) -> Performance:
    _check_owner(performance, actor)
    performance = Performance.objects.select_for_update().select_related("artist").get(pk=performance.pk)
    if performance.status not in allowed:
        raise Conflict(
            f"A {performance.status} performance cannot {verb}.", code="invalid_transition", field="status"
        )
    return performance


@transaction.atomic
def go_live(performance: Performance, *, actor: User, now: datetime | None = None) -> Performance:
    """Start playing: only from scheduled, near a stop's window, one live performance per artist."""
    now = now or timezone.now()
    performance = _transition(performance, actor, {PerformanceStatus.SCHEDULED}, "go live")
    stops = performance.stops.order_by("order")
    current = stops.filter(starts_at__lte=now + GO_LIVE_EARLY, ends_at__gt=now).first()
    if current is None:
        upcoming = stops.filter(starts_at__gt=now).first()
        when = (
            f"Your next stop starts at {timezone.localtime(upcoming.starts_at):%H:%M on %d %b}."
            if upcoming
            else "All its stops are over."
        )
        raise Conflict(
            f"You can go live from 30 minutes before a stop starts until it ends. {when}",
            code="outside_window",
            field="status",
        )
    other = Performance.objects.live().of_artist(performance.artist).exclude(pk=performance.pk).first()
    if other is not None:
        raise Conflict(
            f"You are already live with “{other.title}”. End it first.", code="already_live", field="status"
        )
    performance.status = PerformanceStatus.LIVE
    performance.started_at = now
    performance.position_lat, performance.position_lng, performance.position_at = (
        current.lat,
        current.lng,
        None,
    )
    try:
        with transaction.atomic():
            _save_status(performance)
    except IntegrityError as exc:
        # Two "go live" requests raced; the database's one-live rule picked one.
        raise Conflict(
            "You are already live with another performance.", code="already_live", field="status"
        ) from exc
    events.performance_changed(performance, "performance.started")
    events.notify_followers_live(performance)
    return performance


@transaction.atomic
def end_performance(performance: Performance, *, actor: User, now: datetime | None = None) -> Performance:
    """Finish a live performance; it stays as history."""
    performance = _transition(performance, actor, {PerformanceStatus.LIVE}, "end (only a live one can)")
    performance.status = PerformanceStatus.COMPLETED
    performance.ended_at = now or timezone.now()
    _save_status(performance)
    events.performance_changed(performance, "performance.ended")
    return performance


def end_stale_performances(*, now: datetime | None = None) -> list[Performance]:
    """End the live performances nobody is playing any more (see LIVE_GRACE_MINUTES) and tell
    their artists. Each ends in its own transaction, so one failure does not keep the others on
    the map."""
    now = now or timezone.now()
    grace = timedelta(minutes=settings.LIVE_GRACE_MINUTES)
    ended = []
    for performance_id in Performance.objects.stale_live(now, grace).values_list("pk", flat=True):
        try:
            performance = _end_if_stale(performance_id, now, grace)
        except Exception:
            logger.exception("stale_performance_not_ended", performance_id=performance_id)
            continue
        if performance is not None:
            logger.info("stale_performance_ended", performance_id=performance_id)
            ended.append(performance)
    return ended


@transaction.atomic
def _end_if_stale(performance_id: int, now: datetime, grace: timedelta) -> Performance | None:
    performance = (
        Performance.objects.select_for_update(of=("self",))
        .select_related("artist__user")
        .filter(pk=performance_id)
        .first()
    )
    # Checked again under the lock: a position or an End may have come since the list was read.
    if (
        performance is None
        or not Performance.objects.stale_live(now, grace).filter(pk=performance_id).exists()
    ):
        return None
    route_end = performance.stops.order_by("-ends_at").values_list("ends_at", flat=True).first()
    last_sign = max(
        moment for moment in (route_end, performance.position_at, performance.started_at) if moment
    )
    performance.status = PerformanceStatus.COMPLETED
    # It stopped playing when the last sign of it came, not when the sweep noticed.
    performance.ended_at = last_sign
    _save_status(performance)
    events.performance_changed(performance, "performance.ended")
    accounts_services.notify(
        performance.artist.user,
        kind=NotificationKind.PERFORMANCE_ENDED,
        text=f"“{performance.title}” ended by itself: its route was over and no position came "
        f"for {settings.LIVE_GRACE_MINUTES} minutes.",
        url=performance.get_absolute_url(),
        data={"performance": performance.pk},
    )
    return performance


@transaction.atomic
def cancel_performance(performance: Performance, *, actor: User) -> Performance:
    """Call off a performance that has not started; it stays listed as cancelled."""
    performance = _transition(
        performance, actor, {PerformanceStatus.SCHEDULED}, "be cancelled (only a scheduled one can)"
    )
    performance.status = PerformanceStatus.CANCELLED
    _save_status(performance)
    events.performance_changed(performance, "performance.ended")
    return performance


@transaction.atomic
def update_position(
    performance: Performance, *, actor: User, lat: Any, lng: Any, now: datetime | None = None
) -> Performance:
    """Move a live performer on the map: at most one update per POSITION_INTERVAL_SECONDS,
    less a tolerance for network jitter (see conf.py)."""
    _check_owner(performance, actor)
    lat = _number(lat, "lat", -90, 90, key="lat")
    lng = _number(lng, "lng", -180, 180, key="lng")
    now = now or timezone.now()
    if performance.status != PerformanceStatus.LIVE:
        raise Conflict(
            f"Only a live performance has a position; this one is {performance.status}.",
            code="not_live",
            field="status",
        )
    # Read once: the cells it leaves and enters, and the map's item, all need its stops.
    stops = Stop.objects.route_of(performance.pk)
    cells_before = events.cells_of(performance, stops)
    interval = settings.POSITION_INTERVAL_SECONDS
    shortest_gap = timedelta(seconds=interval - settings.POSITION_EARLY_TOLERANCE_SECONDS)
    # One conditional UPDATE: two racing updates cannot both pass the interval rule.
    moved = (
        Performance.objects.filter(pk=performance.pk, status=PerformanceStatus.LIVE)
        .exclude(position_at__gt=now - shortest_gap)
        .update(position_lat=lat, position_lng=lng, position_at=now)
    )
    if not moved:
        performance.refresh_from_db(fields=["position_at", "status"])
        if performance.status != PerformanceStatus.LIVE:
            raise Conflict("This performance has just ended.", code="not_live", field="status")
        wait = (performance.position_at + shortest_gap - now).total_seconds()
        raise RateLimited(
            f"Send at most one position every {interval:g} seconds.", retry_after=max(1, math.ceil(wait))
        )
    performance.position_lat, performance.position_lng, performance.position_at = lat, lng, now
    events.performance_changed(performance, "performance.moved", extra_cells=cells_before, stops=stops)
    return performance


@transaction.atomic
def like_performance(performance: Performance, *, user: User) -> Performance:
    """A fan likes a performance once; liking again changes nothing."""
    _, created = Like.objects.get_or_create(user=user, performance=performance)
    if created:
        Performance.objects.filter(pk=performance.pk).update(like_count=F("like_count") + 1)
    performance.refresh_from_db(fields=["like_count"])
    if created:
        events.performance_liked(performance)
    return performance


@transaction.atomic
def unlike_performance(performance: Performance, *, user: User) -> Performance:
    deleted, _ = Like.objects.filter(user=user, performance=performance).delete()
    if deleted:
        Performance.objects.filter(pk=performance.pk).update(like_count=F("like_count") - 1)
    performance.refresh_from_db(fields=["like_count"])
    if deleted:
        events.performance_liked(performance)
    return performance


def record_view(
    performance: Performance, *, visitor: str, user: User | None = None, now: datetime | None = None
) -> bool:
    """Count a view once per visitor per hour; returns whether this one counted."""
    hour = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        _, created = View.objects.get_or_create(
            performance=performance, visitor=visitor[:64], hour=hour, defaults={"user": user}
        )
        if created:
            Performance.objects.filter(pk=performance.pk).update(view_count=F("view_count") + 1)
    return created


def notify_followers_of_live(performance: Performance) -> int:
    """Notify each follower once that the artist is live; returns how many were told."""
    if not performance.is_live:
        return 0
    already = Notification.objects.filter(
        kind=NotificationKind.ARTIST_LIVE, data__performance_id=performance.pk
    ).values_list("recipient_id", flat=True)
    fans = User.objects.filter(follows__artist=performance.artist).exclude(id__in=already)
    count = 0
    for fan in fans:
        accounts_services.notify(
            fan,
            kind=NotificationKind.ARTIST_LIVE,
            text=f"{performance.artist.stage_name} is live now: {performance.title}",
            url=performance.get_absolute_url(),
            actor=performance.artist.user,
            data={"performance_id": performance.pk},
        )
        count += 1
    return count


# --- hiding ---------------------------------------------------------------------------------


def _on_map(performances: list[Performance]) -> list[Performance]:
    return [p for p in performances if not p.is_finished]


def _tell_map(performances: list[Performance], *, shown: bool) -> None:
    # The map and nearby forget a hidden performance at once, and show a restored one again.
    for performance in performances:
        if shown:
            events.performance_changed(performance, "performance.updated")
        else:
            events.performance_removed(performance.pk, events.cells_of(performance))


def set_hidden(performance: Performance, hidden: bool) -> Performance:
    """Take a performance off every public place, or put it back; the map follows.

    Curators decide through apps.moderation, which records the decision and tells the artist.
    """
    performance.hidden = hidden
    performance.save(update_fields=["hidden"])
    _tell_map(_on_map([performance]), shown=not hidden)
    if hidden:
        events.performances_hidden([performance.pk])
    return performance


def set_artist_hidden(artist: ArtistProfile, hidden: bool) -> ArtistProfile:
    """Hide an artist's profile with everything of theirs on the map, or bring both back."""
    artist = accounts_services.set_hidden(artist, hidden)
    showing = list(
        Performance.objects.of_artist(artist).active().filter(hidden=False).select_related("artist")
    )
    _tell_map(showing, shown=not hidden)
    if hidden:
        events.performances_hidden(Performance.objects.of_artist(artist).values_list("pk", flat=True))
    return artist
