from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from . import services
from .models import Clip, Play, Report, ReportStatus, Story, Track

HIDE_REASON = "Hidden from the back office after review."


class MediaItemAdmin(admin.ModelAdmin):
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

    def _moderate(self, request: HttpRequest, queryset: QuerySet, act) -> None:  # noqa: ANN001
        done = 0
        for item in queryset.select_related("artist__user"):
            try:
                act(item)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{item}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} item{'s' if done != 1 else ''} updated; uploaders were told.")

    @admin.action(description="Hide selected items (uploader is told)", permissions=["change"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(
            request, queryset, lambda item: services.hide_item(item, actor=request.user, reason=HIDE_REASON)
        )

    @admin.action(description="Restore selected items (uploader is told)", permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, lambda item: services.restore_item(item, actor=request.user))


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


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports first; hide the item or dismiss the report."""

    list_display = ["created_at", "reason", "item_link", "reporter", "status", "resolved_by"]
    list_filter = ["status", "reason", "content_type"]
    search_fields = ["note", "reporter__email"]
    date_hierarchy = "created_at"
    actions = ["hide_items", "dismiss_selected"]
    readonly_fields = ["reporter", "content_type", "object_id", "item_link", "reason", "note", "created_at"]
    fields = [*readonly_fields, "status", "resolved_at", "resolved_by"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:  # noqa: ANN001
        return [*self.readonly_fields, "status", "resolved_at", "resolved_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Item")
    def item_link(self, report: Report) -> str:
        item = report.content_type.model_class()._base_manager.filter(pk=report.object_id).first()
        if item is None:
            return "(deleted)"
        url = f"../../{report.content_type.model}/{item.pk}/change/"
        return format_html('<a href="{}">{}</a>', url, item)

    @admin.action(description="Hide the reported items (uploaders are told)", permissions=["change"])
    def hide_items(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for report in queryset.filter(status=ReportStatus.OPEN).select_related("content_type"):
            item = report.content_type.model_class()._base_manager.filter(pk=report.object_id).first()
            if item is not None:
                reason = f"Reported: {report.get_reason_display()}."
                services.hide_item(item, actor=request.user, reason=reason)
                done += 1
        self.message_user(request, f"{done} item{'s' if done != 1 else ''} hidden.")

    @admin.action(description="Dismiss selected reports", permissions=["change"])
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for report in queryset.filter(status=ReportStatus.OPEN):
            services.dismiss_report(report, actor=request.user)
        self.message_user(request, "Reports dismissed.")


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ["track", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["track"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # noqa: ANN001
        return False
