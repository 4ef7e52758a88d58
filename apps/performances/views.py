from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import ArtistProfile
from apps.core.confirm import ask_first, is_confirmed
from apps.core.errors import Conflict
from apps.core.forms import add_service_errors
from apps.core.htmx import HtmxHttpRequest, template_for
from apps.core.visitors import visitor_key

from . import services
from .forms import (
    MapFilterForm,
    PerformanceForm,
    PlaceSearchForm,
    StopFormSet,
    first_stop_with_errors,
    route_error_summary,
)
from .models import Like, Performance
from .nearby import NearbyQuery, find


@require_GET
def map_page(request: HtmxHttpRequest) -> HttpResponse:
    default_radius = request.user.radius_km if request.user.is_authenticated else settings.DEFAULT_RADIUS_KM
    defaults = {"radius_km": default_radius, "when": "today"}
    # The form shows the defaults it searches with; a link with no query is not an error.
    form = MapFilterForm({**defaults, **request.GET.dict()})
    values = {
        "lat": settings.CITY_CENTRE[0],
        "lng": settings.CITY_CENTRE[1],
        "genre": "",
        "area": "",
        **defaults,
    }
    results: list[dict] = []
    now = timezone.now()
    if form.is_valid():
        values = form.query_values(default_radius)
        query = NearbyQuery(
            lat=values["lat"],
            lng=values["lng"],
            radius_m=values["radius_km"] * 1000,
            when=values["when"],
            genre=values["genre"],
            area=values["area"],
        )
        results = find(query, now)
    context = {
        "form": form,
        # One moment for the search and the list: a live show's stop is "under way" by it.
        "now": now,
        "query": values,
        "results": results,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, template_for(request, "performances/map.html", "results"), context)


@require_GET
def performance_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    performance = get_object_or_404(Performance.objects.visible_to(request.user).with_related(), pk=pk)
    user = request.user if request.user.is_authenticated else None
    services.record_view(performance, visitor=visitor_key(request), user=user)
    upcoming = (
        Performance.objects.visible_to(request.user)
        .active()
        .of_artist(performance.artist)
        .exclude(pk=performance.pk)
        .next_first(timezone.now())
        .with_related()[:3]
    )
    return render(
        request, "performances/performance_detail.html", _detail_context(request, performance, upcoming)
    )


def _detail_context(request: HtmxHttpRequest, performance: Performance, upcoming=()) -> dict:  # noqa: ANN001
    user = request.user if request.user.is_authenticated else None
    return {
        "performance": performance,
        "stops": performance.stops.all(),
        "liked": user is not None and Like.objects.filter(user=user, performance=performance).exists(),
        "is_owner": user is not None and performance.artist.user_id == user.id,
        "performance_hidden": performance.hidden or performance.artist.hidden,
        "upcoming": upcoming,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@require_POST
@login_required
def performance_like(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    performance = get_object_or_404(Performance.objects.visible_to(request.user).with_related(), pk=pk)
    if request.POST.get("action") == "unlike":
        performance = services.unlike_performance(performance, user=request.user)
    else:
        performance = services.like_performance(performance, user=request.user)
    if request.htmx:
        return render(
            request, "performances/performance_detail.html#like", _detail_context(request, performance)
        )
    return redirect(performance)


def _my_artist(request: HtmxHttpRequest) -> ArtistProfile | None:
    return ArtistProfile.objects.filter(user=request.user).first()


@require_GET
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    artist = _my_artist(request)
    if artist is None:
        messages.info(request, "Create your artist profile to plan performances.")
        return redirect("artist-create")
    performances = Performance.objects.of_artist(artist).with_related().order_by("-created_at")
    return render(request, "performances/dashboard.html", {"artist": artist, "performances": performances})


def _route_form(request: HtmxHttpRequest, performance: Performance | None) -> HttpResponse:
    """The plan form: title and a route of stops added and removed inline."""
    artist = _my_artist(request)
    if artist is None:
        return redirect("artist-create")
    initial_stops = (
        [
            {
                "place_name": s.place_name,
                "lat": s.lat,
                "lng": s.lng,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
            }
            for s in performance.stops.order_by("order")
        ]
        if performance
        else []
    )
    data = request.POST if request.method == "POST" else None
    form = PerformanceForm(data, instance=performance)
    stops = StopFormSet(data, initial=initial_stops or None, prefix="stops")
    editing = request.POST.get("edit_route")
    active = _posted_stop(request)
    failed = False
    if data is not None and editing:
        # Adding or removing a stop re-renders the form (inline with HTMX, or as a page).
        stops, active = _edited_formset(request, editing, active)
    elif data is not None:
        failed = True
        if form.is_valid() and stops.is_valid():
            route = [s.cleaned_data for s in stops.forms if s.cleaned_data]
            fields = {**form.cleaned_data, "stops": route}
            try:
                if performance is None:
                    performance = services.create_performance(artist, actor=request.user, **fields)
                    messages.success(request, "Performance planned.")
                else:
                    performance = services.update_performance(performance, actor=request.user, **fields)
                    messages.success(request, "Performance saved.")
                return redirect("performance-dashboard")
            except ValidationError as exc:
                _add_route_errors(form, stops, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
        # The stop to fix is the one to show; otherwise the one the artist was placing.
        wrong = first_stop_with_errors(stops)
        active = wrong if wrong is not None else active
    if not 0 <= active < stops.total_form_count():
        active = 0
    context = {
        "form": form,
        "stops": stops,
        "active_stop": active,
        "error_summary": route_error_summary(form, stops) if failed else [],
        "performance": performance,
        "places_url": reverse("performance-places"),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    page = "performances/route_form.html"
    return render(request, f"{page}#route" if request.htmx and editing else page, context)


def _posted_stop(request: HtmxHttpRequest) -> int:
    value = request.POST.get("active_stop", "")
    return int(value) if value.isdigit() else 0


def _add_route_errors(form: PerformanceForm, stops, error: ValidationError) -> None:  # noqa: ANN001
    """A service's errors on the plan form: a route rule one stop breaks on that stop."""
    if hasattr(error, "error_dict"):
        for item in error.error_dict.pop("stops", []):
            number = (item.params or {}).get("stop")
            if isinstance(number, int) and 1 <= number <= len(stops.forms):
                stops.forms[number - 1].add_error(None, list(item)[0])
            else:
                form.add_error(None, list(item))
        if not error.error_dict:
            return
    add_service_errors(form, error)


def _edited_formset(request: HtmxHttpRequest, editing: str, active: int):  # noqa: ANN202
    """The stops as submitted, with one added (`add`) or one removed (`remove-<n>`), and the
    stop to select next: the new one, or the same stop as before the removal."""
    prefix = "stops"
    total = int(request.POST.get(f"{prefix}-TOTAL_FORMS", "0") or 0)
    rows = [
        {
            field: request.POST.get(f"{prefix}-{i}-{field}", "")
            for field in ("place_name", "lat", "lng", "starts_at", "ends_at")
        }
        for i in range(min(total, StopFormSet.max_num))
    ]
    if editing == "add" and len(rows) < StopFormSet.max_num:
        rows.append({})
        active = len(rows) - 1
    elif editing.startswith("remove-") and len(rows) > 1:
        index = editing.removeprefix("remove-")
        if index.isdigit() and int(index) < len(rows):
            rows.pop(int(index))
            active = active - 1 if int(index) < active else min(active, len(rows) - 1)
    return StopFormSet(initial=rows, prefix=prefix), active


def _json_error(status: int, code: str, detail: str, errors: dict | None = None) -> JsonResponse:
    # The API's error shape, so one client reads both.
    return JsonResponse({"detail": detail, "code": code, "errors": errors or {}}, status=status)


@require_GET
def performance_places(request: HtmxHttpRequest) -> JsonResponse:
    """Known places for a stop of the artist's route: `?q=<text>[&performance=<id>]`."""
    if not request.user.is_authenticated:
        return _json_error(401, "not_authenticated", "Sign in to plan a route.")
    artist = _my_artist(request)
    if artist is None:
        return _json_error(403, "permission_denied", "Only artists plan routes.")
    search = PlaceSearchForm(request.GET)
    if not search.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in search.errors.items()}
        return _json_error(400, "invalid", "Check the search.", errors)
    performance = None
    if search.cleaned_data["performance"] is not None:
        performance = (
            Performance.objects.of_artist(artist).filter(pk=search.cleaned_data["performance"]).first()
        )
        if performance is None:
            return _json_error(404, "not_found", "Not found.")
    places = services.find_places(artist, search.cleaned_data["q"], performance=performance)
    return JsonResponse({"results": [asdict(place) for place in places]})


@require_http_methods(["GET", "POST"])
@login_required
def performance_create(request: HtmxHttpRequest) -> HttpResponse:
    return _route_form(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def performance_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    performance = get_object_or_404(Performance, pk=pk, artist__user=request.user)
    return _route_form(request, performance)


def _act(request: HtmxHttpRequest, pk: int, action: Callable, done: str) -> HttpResponse:
    # Not found for strangers: another artist's plans are none of their business.
    performance = get_object_or_404(Performance, pk=pk, artist__user=request.user)
    try:
        action(performance, actor=request.user)
        messages.success(request, done)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("performance-dashboard")


@require_POST
@login_required
def performance_go_live(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.go_live, "You are live. Fans nearby can see you on the map.")


@require_POST
@login_required
def performance_end(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not is_confirmed(request):
        performance = get_object_or_404(Performance, pk=pk, artist__user=request.user)
        return ask_first(
            request,
            question=f"End “{performance.title}”?",
            detail="You leave the live map and stop sharing your position; the rest of the route is over.",
            button="End the performance",
            cancel_url=reverse("performance-dashboard"),
            ends_sharing=True,
        )
    return _act(request, pk, services.end_performance, "Performance ended. Thanks for playing!")


@require_POST
@login_required
def performance_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.cancel_performance, "Performance cancelled.")


@require_POST
@login_required
def performance_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not is_confirmed(request):
        performance = get_object_or_404(Performance, pk=pk, artist__user=request.user)
        return ask_first(
            request,
            question=f"Delete “{performance.title}”?",
            detail="The plan and its stops are deleted for good.",
            button="Delete the plan",
            cancel_url=reverse("performance-dashboard"),
        )
    return _act(request, pk, services.delete_performance, "Plan deleted.")
