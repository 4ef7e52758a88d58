"""The moderation back office: the report queue, the log, and on each reportable item's own
admin page its history and (for uploads) hide and restore. Every decision asks why first.

The reportable items' admins belong to their apps; this module extends them, as it sits
above those apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from apps.accounts.admin import ArtistProfileAdmin
from apps.core.admin import apply_each
from apps.media.admin import ClipAdmin, StoryAdmin, TrackAdmin
from apps.performances.admin import PerformanceAdmin

from . import services
from .kinds import KINDS
from .models import ModerationAction, ModerationVerb, Report

TITLES = {
    ModerationVerb.HIDE: "Hide",
    ModerationVerb.RESTORE: "Restore",
    ModerationVerb.DISMISS: "Dismiss the reports about",
    ModerationVerb.WARN: "Warn the owner of",
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded with your name; the owner reads it when an item is hidden or they are warned.",
    )


def moderate_with_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    verb: str,
    items: Callable[[Any], Iterable[Any]],
) -> TemplateResponse | None:
    """An admin action's body: first a page asking why, then the decision on each item."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    targets = list(items(queryset))
    if form.is_bound and form.is_valid():
        act = partial(services.ACTIONS[verb], actor=request.user, reason=form.cleaned_data["reason"])
        apply_each(modeladmin, request, targets, act, noun="item", done=ModerationVerb(verb).label.lower())
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{TITLES[verb]} {len(targets)} item{'s' if len(targets) != 1 else ''}",
        "opts": modeladmin.model._meta,
        "form": form,
        "targets": targets,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "verb": verb,
    }
    return TemplateResponse(request, "admin/moderation/moderation_reason.html", context)


def history_table(item: Any) -> str:
    """The item's moderation log, newest first, as a small table."""
    if item is None or item.pk is None:
        return "—"
    rows = list(services.history(item))
    if not rows:
        return "No decisions yet."
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                row.get_verb_display(),
                row.actor or "(removed user)",
                row.reason,
            )
            for row in rows
        ),
    )
    return format_html(
        "<table><thead><tr><th>When</th><th>What</th><th>Who</th><th>Why</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        body,
    )


def _admin_link(item: Any) -> str:
    meta = item._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
    except NoReverseMatch:
        return str(item)
    return format_html('<a href="{}">{}</a>', url, item)


class ModerationHistoryMixin:
    """Adds the item's moderation log to its change page."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "moderation_history"]

    @admin.display(description="Moderation history")
    def moderation_history(self, item: Any) -> str:
        return history_table(item)


class ModeratedMediaMixin(ModerationHistoryMixin):
    """Uploads: their open reports in the list, and hide/restore as actions (each asks why)."""

    actions = ["hide_selected", "restore_selected"]

    def get_list_display(self, request: HttpRequest) -> list[str]:
        shown = list(super().get_list_display(request))
        return [*shown[:-1], "open_reports", shown[-1]]

    @admin.display(description="Open reports")
    def open_reports(self, item: Any) -> int:
        return Report.objects.about(item).open().count()

    @admin.action(description="Hide selected items (asks why; the uploader is told)", permissions=["change"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet):  # noqa: ANN201
        return moderate_with_reason(self, request, queryset, verb=ModerationVerb.HIDE, items=_items)

    @admin.action(
        description="Restore selected items (asks why; the uploader is told)", permissions=["change"]
    )
    def restore_selected(self, request: HttpRequest, queryset: QuerySet):  # noqa: ANN201
        return moderate_with_reason(self, request, queryset, verb=ModerationVerb.RESTORE, items=_items)


def _items(queryset: QuerySet) -> list:
    return list(queryset.select_related("artist__user"))


def _moderated(model: type, base: type[admin.ModelAdmin], mixin: type) -> None:
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (mixin, base), {"__module__": __name__}))


_moderated(KINDS["artist"].model, ArtistProfileAdmin, ModerationHistoryMixin)
_moderated(KINDS["performance"].model, PerformanceAdmin, ModerationHistoryMixin)
_moderated(KINDS["clip"].model, ClipAdmin, ModeratedMediaMixin)
_moderated(KINDS["story"].model, StoryAdmin, ModeratedMediaMixin)
_moderated(KINDS["track"].model, TrackAdmin, ModeratedMediaMixin)


def _reported_items(reports: QuerySet) -> list:
    """The distinct items the selected reports are about, each once, in report order."""
    items, seen = [], set()
    for report in reports.select_related("content_type").order_by("-created_at", "-id"):
        key = (report.content_type_id, report.object_id)
        if key in seen:
            continue
        seen.add(key)
        item = _item_of(report)
        if item is not None:
            items.append(item)
    return items


def _item_of(report: Report) -> Any:
    return report.content_type.model_class()._base_manager.filter(pk=report.object_id).first()


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: reports about uploads, performances and artist profiles. Each
    decision asks why, acts on the reported item and closes its open reports."""

    list_display = ["created_at", "reason", "kind", "item_link", "reporter", "status", "resolved_by"]
    list_filter = ["status", "reason", ("content_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["content_type", "reporter", "resolved_by"]
    search_fields = ["note", "reporter__email"]
    date_hierarchy = "created_at"
    actions = ["hide_items", "restore_items", "dismiss_selected", "warn_owners"]
    readonly_fields = [
        "reporter",
        "content_type",
        "object_id",
        "item_link",
        "reason",
        "note",
        "created_at",
        "item_history",
    ]
    fields = [*readonly_fields, "status", "resolved_at", "resolved_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "status", "resolved_at", "resolved_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # noqa: ANN201
        results, duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.split()
        if not words:
            return results, duplicates
        # A report also matches by what its item says (a title, the artist's name), kind by kind.
        about = Q()
        for reportable in KINDS.values():
            match = Q()
            for word in words:
                match &= _any_field(reportable.search_fields, word)
            ids = reportable.model._base_manager.filter(match).values("pk")
            about |= Q(
                content_type__app_label=reportable.model._meta.app_label,
                content_type__model=reportable.model._meta.model_name,
                object_id__in=ids,
            )
        return results | queryset.filter(about), duplicates

    @admin.display(description="Kind", ordering="content_type__model")
    def kind(self, report: Report) -> str:
        return report.content_type.name

    @admin.display(description="Item")
    def item_link(self, report: Report) -> str:
        item = _item_of(report)
        if item is None:
            return "(deleted)"
        hidden = " (hidden)" if getattr(item, "hidden", False) else ""
        return format_html("{}{}", _admin_link(item), hidden)

    @admin.display(description="Moderation history of the item")
    def item_history(self, report: Report) -> str:
        return history_table(_item_of(report))

    @admin.action(description="Hide the reported items (asks why; owners are told)", permissions=["change"])
    def hide_items(self, request: HttpRequest, queryset: QuerySet):  # noqa: ANN201
        return moderate_with_reason(self, request, queryset, verb=ModerationVerb.HIDE, items=_reported_items)

    @admin.action(
        description="Restore the reported items (asks why; owners are told)", permissions=["change"]
    )
    def restore_items(self, request: HttpRequest, queryset: QuerySet):  # noqa: ANN201
        return moderate_with_reason(
            self, request, queryset, verb=ModerationVerb.RESTORE, items=_reported_items
        )

    @admin.action(description="Dismiss the reports about the items (asks why)", permissions=["change"])
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet):  # noqa: ANN201
        return moderate_with_reason(
            self, request, queryset, verb=ModerationVerb.DISMISS, items=_reported_items
        )

    @admin.action(description="Warn the owners, leaving the items up (asks why)", permissions=["change"])
    def warn_owners(self, request: HttpRequest, queryset: QuerySet):  # noqa: ANN201
        return moderate_with_reason(self, request, queryset, verb=ModerationVerb.WARN, items=_reported_items)


def _any_field(fields: Iterable[str], word: str) -> Q:
    match = Q()
    for field in fields:
        match |= Q(**{f"{field}__icontains": word})
    return match


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: who did what to which item and why. Nothing here is edited."""

    list_display = ["item_link", "verb", "actor", "created_at", "reason"]
    list_filter = ["verb", "content_type", "created_at"]
    search_fields = ["reason", "actor__email", "actor__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ModerationAction | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ModerationAction | None = None) -> bool:
        return False

    @admin.display(description="Item")
    def item_link(self, action: ModerationAction) -> str:
        item = action.item
        if item is None:
            return f"{action.content_type.name} #{action.object_id} (deleted)"
        return _admin_link(item)
