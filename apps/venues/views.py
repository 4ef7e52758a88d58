from __future__ import annotations

import math
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from apps.core.clients import client_address
from apps.core.errors import Conflict, RateLimited
from apps.core.htmx import HtmxHttpRequest

from . import events, services
from .models import EntryStatus, Event, EventStatus, Guest, QueueEntry, Vote
from .providers import provider_for

COOKIE_SALT = "venues.guest-cookie"
POOL_PAGE_SIZE = 20
SCAN_TO_VOTE = "Scan the code on the venue's screen to vote."
# Why a vote must wait, beside the page's countdown (a plain cooldown needs no words).
WAIT_REASONS = {
    "vote_hourly_cap": "That's {event.votes_per_guest_per_hour} votes this hour.",
    "vote_network_cap": "Too many votes from this network.",
}
# What the queue's row template is filled from before JavaScript clones it.
BLANK_ENTRY = {"id": "", "votes": 0, "track": {"id": "", "title": "", "artist": {"stage_name": ""}}}


def _event_for_guests(request: HtmxHttpRequest, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("venue"), pk=pk)
    # A draft is not there yet for anyone but its venue's staff; "not found" says nothing.
    if event.status == EventStatus.DRAFT and not services.is_staff_of(event, request.user):
        raise Http404("No such event")
    return event


def _event_for_staff(request: HtmxHttpRequest, pk: int) -> Event:
    return get_object_or_404(Event.objects.for_staff(request.user).select_related("venue"), pk=pk)


def _cookie_name(event: Event) -> str:
    return f"encore_guest_{event.pk}"


def _current_guest(request: HtmxHttpRequest, event: Event, *, create: bool = False) -> Guest | None:
    """A signed-in fan votes as themselves; anyone else through the guest cookie of a scan."""
    if request.user.is_authenticated:
        if create:
            return services.guest_for(event, user=request.user)
        # Looking at the page makes no guest: the first vote does.
        return Guest.objects.filter(event=event, user=request.user).first()
    token = request.get_signed_cookie(
        _cookie_name(event), default=None, salt=COOKIE_SALT, max_age=settings.EVENT_GUEST_MAX_AGE_SECONDS
    )
    return services.guest_from_token(event, token) if token else None


def _guest_context(
    request: HtmxHttpRequest, event: Event, guest: Guest | None, *, cooldown: int | None = None
) -> dict:
    state = events.queue_state(event.pk)
    queued_ids = [entry["id"] for entry in state["queue"]]
    voted = set()
    if guest is not None and queued_ids:
        voted = set(
            Vote.objects.filter(guest=guest, entry_id__in=queued_ids).values_list("entry_id", flat=True)
        )
    signed_in = request.user.is_authenticated
    if cooldown is None:
        cooldown = services.cooldown_left(event, guest)
    return {
        "event": event,
        "state": state,
        "voted": voted,
        "voted_track_ids": {e["track"]["id"] for e in state["queue"] if e["id"] in voted},
        "can_vote": event.is_active and (signed_in or guest is not None),
        "needs_scan": event.is_active and not signed_in and guest is None,
        "cooldown": cooldown,
        # Long waits (the hourly cap) read in minutes, as jukebox.js counts them.
        "cooldown_minutes": math.ceil(cooldown / 60),
        "blank_entry": BLANK_ENTRY,
    }


def _pool_context(request: HtmxHttpRequest, event: Event, state: dict) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    tracks = provider_for(event).pool(event, query=query)
    page = Paginator(tracks, POOL_PAGE_SIZE).get_page(request.GET.get("page"))
    playing = state["now_playing"]["track"]["id"] if state["now_playing"] else None
    # Requests for these are refused tonight (409); the list says so up front, and says
    # which were cut short: a track played in full after a skip counts as played.
    finished = QueueEntry.objects.filter(event=event).history().values_list("track_id", "status")
    played = {track_id for track_id, status in finished if status == EntryStatus.PLAYED}
    skipped = {track_id for track_id, status in finished if status == EntryStatus.SKIPPED} - played
    return {
        "q": query,
        "pool_page": page,
        "queued_track_ids": {entry["track"]["id"] for entry in state["queue"]},
        "playing_track_id": playing,
        "played_track_ids": played,
        "skipped_track_ids": skipped,
    }


@require_GET
def event_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    event = _event_for_guests(request, pk)
    guest = _current_guest(request, event)
    context = _guest_context(request, event, guest)
    context |= _pool_context(request, event, context["state"])
    if request.htmx and request.htmx.target == "pool":
        return render(request, "venues/event_detail.html#pool", context)
    return render(request, "venues/event_detail.html", context)


@require_GET
def event_join(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    event = _event_for_guests(request, pk)
    response = redirect(event)
    if request.user.is_authenticated:
        if event.is_active:
            messages.info(request, "You're signed in: vote as yourself.")
        return response
    if _current_guest(request, event) is not None:
        # Scanning again keeps the session (and its cooldown) rather than starting afresh.
        return response
    try:
        guest = services.join_with_qr(event, request.GET.get("token", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return response
    except Conflict as exc:
        messages.error(request, exc.message)
        return response
    response.set_signed_cookie(
        _cookie_name(event),
        services.guest_token(guest),
        salt=COOKIE_SALT,
        max_age=settings.EVENT_GUEST_MAX_AGE_SECONDS,
        path=event.get_absolute_url(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    messages.success(request, "You're in: vote for what plays next.")
    return response


@require_GET
def join_by_code(request: HtmxHttpRequest, code: str) -> HttpResponse:
    # /j/?code=... is the "type it again" form's way in.
    code = request.GET.get("code", code)[:20]
    try:
        event = services.event_for_join_code(code, network=client_address(request))
    except RateLimited as exc:
        context = {"code": code, "refusal": exc.message}
        response = render(request, "venues/join_code_unknown.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if event is None:
        return render(request, "venues/join_code_unknown.html", {"code": code}, status=404)
    # The code proves what a scan proves: the join page takes it from here, with a fresh token.
    path = reverse("event-join", kwargs={"pk": event.pk})
    return redirect(f"{path}?{urlencode({'token': services.qr_token(event)})}")


@require_POST
def vote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    event = _event_for_guests(request, pk)
    guest = _current_guest(request, event, create=True)
    status, cooldown, notice = 200, None, ""
    if guest is None:
        status, notice = 403, SCAN_TO_VOTE
    else:
        try:
            track_id = int(request.POST.get("track", ""))
        except ValueError:
            track_id = 0  # not in any pool: the service says so
        try:
            entry = services.cast_vote(event, track_id, guest=guest, network=client_address(request))
        except RateLimited as exc:
            # The page counts the wait down itself: the refusal says why, not a second number.
            status, cooldown = 429, exc.retry_after
            notice = WAIT_REASONS.get(exc.code, "").format(event=event)
        except Conflict as exc:
            status, notice = 409, exc.message
        except ValidationError as exc:
            status, notice = 400, " ".join(exc.messages)
        else:
            cooldown = event.vote_cooldown_seconds
            notice = f"Voted for “{entry.track.title}”."
    if request.htmx:
        context = _guest_context(request, event, guest, cooldown=cooldown) | {
            "notice": notice,
            "ok": status == 200,
        }
        response = render(request, "venues/event_detail.html#vote-result", context, status=status)
        if status == 429:
            response["Retry-After"] = str(cooldown)
        return response
    if notice:
        (messages.success if status == 200 else messages.error)(request, notice)
    query = request.POST.get("q", "").strip()
    return redirect(event.get_absolute_url() + (f"?{urlencode({'q': query})}#pool" if query else "#live"))


# --- the venue's screen -----------------------------------------------------------------


def _join_url(request: HtmxHttpRequest, event: Event) -> str:
    # The address the screen was opened at: guests' phones reach the site where the screen does.
    path = reverse("event-join", kwargs={"pk": event.pk})
    return request.build_absolute_uri(f"{path}?{urlencode({'token': services.qr_token(event)})}")


def _qr_context(request: HtmxHttpRequest, event: Event) -> dict:
    url = _join_url(request, event)
    code = services.join_code(event)
    svg = segno.make(url, error="m").svg_inline(
        scale=1, omitsize=True, dark="#000", light="#fff", svgclass="qr-code", title="Scan to vote"
    )
    # A code stays good for its period and the next; polling twice a period (at most a
    # minute apart) keeps the screen's code far from expiring, whatever the clock says.
    refresh = max(5, min(60, settings.EVENT_QR_ROTATE_SECONDS // 2))
    return {
        "event": event,
        "join_url": url,
        "qr_svg": mark_safe(svg),
        "qr_refresh_seconds": refresh,
        # Typed by hand from across the room: the host as the screen was opened, no scheme.
        "short_host": request.get_host(),
        "short_path": reverse("event-join-code", kwargs={"code": code}),
        "join_code": code,
    }


@require_GET
@login_required
def event_display(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    event = _event_for_staff(request, pk)
    if request.htmx and request.GET.get("part") == "qr":
        return render(request, "venues/event_display.html#qr", _qr_context(request, event))
    context = _qr_context(request, event) | {
        "state": events.queue_state(event.pk),
        "blank_entry": BLANK_ENTRY,
    }
    return render(request, "venues/event_display.html", context)


def _display_answer(
    request: HtmxHttpRequest, event: Event, *, status: int = 200, detail: str = ""
) -> HttpResponse:
    # The display's script posts for JSON and applies the new state at once, socket or not.
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({**events.queue_state(event.pk), "detail": detail}, status=status)
    if detail:
        (messages.error if status >= 400 else messages.info)(request, detail)
    return redirect("event-display", pk=event.pk)


@require_POST
@login_required
def display_ended(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    event = _event_for_staff(request, pk)
    try:
        entry_id = int(request.POST.get("entry", ""))
    except ValueError:
        return _display_answer(request, event, status=400, detail="Say which track ended.")
    try:
        services.track_ended(event, entry_id, actor=request.user)
    except Conflict as exc:
        return _display_answer(request, event, status=409, detail=exc.message)
    return _display_answer(request, event)


@require_POST
@login_required
def display_start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    event = _event_for_staff(request, pk)
    # "Start" means "start if idle": a second screen's stale button must not cut a track short.
    if QueueEntry.objects.filter(event=event).playing().exists():
        return _display_answer(request, event)
    try:
        started = services.play_next(event, actor=request.user)
    except Conflict as exc:
        return _display_answer(request, event, status=409, detail=exc.message)
    if started is None:
        return _display_answer(request, event, detail="The queue is empty: requests will appear here.")
    return _display_answer(request, event)
