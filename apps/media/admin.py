from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from apps.curation.models import ModerationVerb
from apps.curation.moderation_admin import ModerationHistoryMixin, moderate_with_reason

from .models import Clip, Play, Report, Story, Track


class MediaItemAdmin(ModerationHistoryMixin, admin.ModelAdmin):
    """Curators review uploads and hide or restore them; artists change media on the site."""

    list_display = ["__str__", "artist", "status", "hidden", "open_reports", "created_at"]
    list_filter = ["status", "hidden", "kind"]
    search_fields = ["artist__stage_name", "public_id"]
    date_hierarchy = "created_at"
    actions = ["hide_selected", "restore_selected"]
    readonly_fields = [
        "preview",
        "public_id",
        "artist",
        "kind",
        "status",
        "failure_reason",
        "hidden",
        "hidden_reason",
        "hidden_at",
        "container",
        "mime_type",
        "duration",
        "width",
        "height",
        "size_bytes",
        "created_at",
        "processed_at",
        "moderation_history",
    ]
    exclude = ["source", "web_file", "poster", "thumbnail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # noqa: ANN001
        return False

    @admin.display(description="Open reports")
    def open_reports(self, item) -> int:  # noqa: ANN001
        return Report.objects.about(item).open().count()

    @admin.display(description="Preview")
    def preview(self, item) -> str:  # noqa: ANN001
        if item.kind == "video" and item.web_file:
            return format_html(
                '<video src="{}" poster="{}" controls preload="none" width="320"></video>',
                item.web_file.url,
                item.poster.url if item.poster else "",
            )
        if item.kind == "audio" and item.web_file:
            return format_html('<audio src="{}" controls preload="none"></audio>', item.web_file.url)
        if item.poster:
            return format_html('<img src="{}" alt="" width="320">', item.poster.url)
        return "—"

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


@admin.register(Clip)
class ClipAdmin(MediaItemAdmin):
    list_display = ["__str__", "artist", "status", "hidden", "duration", "open_reports", "created_at"]
    readonly_fields = [*MediaItemAdmin.readonly_fields, "title", "performance"]


@admin.register(Story)
class StoryAdmin(MediaItemAdmin):
    readonly_fields = [*MediaItemAdmin.readonly_fields, "performance", "expires_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Expired stories too, until the clean-up deletes them: reports may point at them.
        return Story.everything.select_related("artist")


@admin.register(Track)
class TrackAdmin(MediaItemAdmin):
    list_display = [
        "title",
        "artist",
        "genre",
        "status",
        "hidden",
        "play_count",
        "open_reports",
        "created_at",
    ]
    list_filter = [*MediaItemAdmin.list_filter, "genre", "area"]
    search_fields = ["title", *MediaItemAdmin.search_fields]
    readonly_fields = [*MediaItemAdmin.readonly_fields, "title", "genre", "area", "play_count"]
    exclude = [*MediaItemAdmin.exclude, "artwork"]


def _reported_items(reports: QuerySet) -> list:
    """The distinct items the selected reports are about, each once, in report order."""
    items, seen = [], set()
    for report in reports.select_related("content_type").order_by("-created_at", "-id"):
        key = (report.content_type_id, report.object_id)
        if key in seen:
            continue
        seen.add(key)
        item = report.content_type.model_class()._base_manager.filter(pk=report.object_id).first()
        if item is not None:
            items.append(item)
    return items


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: reports about uploads, performances and artist profiles. Each
    decision asks why, acts on the reported item and closes its open reports."""

    list_display = ["created_at", "reason", "kind", "item_link", "reporter", "status", "resolved_by"]
    list_filter = ["status", "reason", ("content_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["content_type", "reporter", "resolved_by"]
    search_fields = [
        "note",
        "reporter__email",
        "clip__title",
        "track__title",
        "performance__title",
        "artist__stage_name",
        "clip__artist__stage_name",
        "story__artist__stage_name",
        "track__artist__stage_name",
        "performance__artist__stage_name",
    ]
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

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:  # noqa: ANN001
        return [*self.readonly_fields, "status", "resolved_at", "resolved_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # noqa: ANN201
        results, _ = super().get_search_results(request, queryset, search_term)
        # The generic relations join one table each: a report matches through at most one.
        return results, True

    @admin.display(description="Kind", ordering="content_type__model")
    def kind(self, report: Report) -> str:
        return report.content_type.name

    @admin.display(description="Item")
    def item_link(self, report: Report) -> str:
        item = report.content_type.model_class()._base_manager.filter(pk=report.object_id).first()
        if item is None:
            return "(deleted)"
        meta = item._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
        except NoReverseMatch:
            return str(item)
        hidden = " (hidden)" if getattr(item, "hidden", False) else ""
        return format_html('<a href="{}">{}</a>{}', url, item, hidden)

    @admin.display(description="Moderation history of the item")
    def item_history(self, report: Report) -> str:
        item = report.content_type.model_class()._base_manager.filter(pk=report.object_id).first()
        return ModerationHistoryMixin.moderation_history(self, item)

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


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ["track", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["track"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # noqa: ANN001
        return False
