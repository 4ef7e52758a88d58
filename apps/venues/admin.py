"""The venue dashboard: venue staff run their own venues' events here, and see nothing else.

Every queryset is scoped to the venues the user staffs (superusers: all), and another
venue's object is "not found" everywhere (changelist, change, history, live queue), so
ids say nothing. State changes go through the services.
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.admin import apply_each
from apps.core.errors import Conflict

from . import events, services
from .models import Event, Venue
from .views import BLANK_ENTRY


def _event_name(event: Event) -> str:
    return event.name


class ScopedToStaffAdmin(admin.ModelAdmin):
    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):  # noqa: ANN201
        # Another venue's object is not found (404), not "deleted?" nor forbidden.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Not found")
        return obj


@admin.register(Venue)
class VenueAdmin(ScopedToStaffAdmin):
    list_display = ["name", "address", "area"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area", "staff"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return Venue.objects.for_staff(request.user).select_related("area")


@admin.register(Event)
class EventAdmin(ScopedToStaffAdmin):
    list_display = ["name", "venue", "status", "starts_at", "ends_at", "live_link"]
    list_filter = ["status", ("venue", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "venue__name"]
    date_hierarchy = "starts_at"
    actions = ["activate_selected", "end_selected"]
    # Tracks and genres are searched (the catalog is big); areas and artists are picked from a list.
    autocomplete_fields = ["pool_tracks", "pool_genres"]
    filter_horizontal = ["pool_areas", "pool_artists"]
    readonly_fields = ["status", "pages", "created_at"]
    fieldsets = [
        (
            None,
            {"fields": ["venue", "name", "status", "starts_at", "ends_at", "opens_automatically", "pages"]},
        ),
        ("Voting", {"fields": ["vote_cooldown_seconds", "votes_per_guest_per_hour", "veto_window_minutes"]}),
        (
            "Tonight's music",
            {
                "fields": ["pool_genres", "pool_areas", "pool_artists", "pool_tracks"],
                "description": "Guests can request any ready track of these genres, areas or artists, "
                "and the tracks picked one by one.",
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return Event.objects.for_staff(request.user).select_related("venue")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):  # noqa: ANN001, ANN201
        if db_field.name == "venue":
            kwargs["queryset"] = Venue.objects.for_staff(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Live")
    def live_link(self, event: Event) -> str:
        return format_html('<a href="{}">Live queue</a>', reverse("admin:venues_event_live", args=[event.pk]))

    @admin.display(description="Pages")
    def pages(self, event: Event) -> str:
        if event.pk is None:
            return "—"
        return format_html(
            '<a href="{}">Live queue</a> · <a href="{}">Screen</a> · <a href="{}">Guest page</a>',
            reverse("admin:venues_event_live", args=[event.pk]),
            reverse("event-display", args=[event.pk]),
            event.get_absolute_url(),
        )

    # --- actions ------------------------------------------------------------------------

    @admin.action(description="Activate: open for votes", permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        act = partial(services.activate_event, actor=request.user)
        apply_each(self, request, queryset, act, noun="event", done="activated", name=_event_name)

    @admin.action(description="End: close the night", permissions=["change"])
    def end_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        act = partial(services.end_event, actor=request.user)
        apply_each(self, request, queryset, act, noun="event", done="ended", name=_event_name)

    # --- the live queue -----------------------------------------------------------------

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/live/", wrap(self.live_view), name="venues_event_live"),
            path(
                "<int:object_id>/live/<str:action>/", wrap(self.live_action), name="venues_event_live_action"
            ),
            *super().get_urls(),
        ]

    def _live_response(self, request: HttpRequest, event: Event, status: int = 200, **extra) -> HttpResponse:  # noqa: ANN003
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Live queue: {event.name}",
            "event": event,
            "state": events.queue_state(event.pk),
            "blank_entry": BLANK_ENTRY,
            **extra,
        }
        template = "venues/admin/event_live.html"
        if getattr(request, "htmx", False):
            template += "#live"
        return TemplateResponse(request, template, context, status=status)

    def live_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        event = self.get_object(request, str(object_id))
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        return self._live_response(request, event)

    def live_action(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = self.get_object(request, str(object_id))
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        try:
            entry_id = int(request.POST.get("entry") or 0)
        except ValueError:
            entry_id = 0
        actor = request.user
        run = {
            "next": lambda: services.play_next(event, actor=actor),
            "skip": lambda: services.skip(event, actor=actor),
            "veto": lambda: services.veto(event, entry_id, actor=actor),
            "remove": lambda: services.remove(event, entry_id, actor=actor),
        }.get(action)
        if run is None:
            raise Http404("No such action")
        try:
            run()
            text, level, status = _DONE[action], messages.SUCCESS, 200
        except Conflict as exc:
            text, level, status = exc.message, messages.ERROR, 409
        if getattr(request, "htmx", False):
            # The region says it itself: messages would also show on the next full page.
            notice_level = "success" if status == 200 else "error"
            return self._live_response(request, event, status, notice=text, notice_level=notice_level)
        self.message_user(request, text, level)
        return redirect("admin:venues_event_live", object_id=event.pk)


_DONE = {
    "next": "Playing the next track.",
    "skip": "Skipped.",
    "veto": "Vetoed: it cannot be requested again for a while.",
    "remove": "Taken off the queue.",
}
