from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from .models import Clip, Play, Story, Track


class MediaItemAdmin(admin.ModelAdmin):
    """Curators review uploads (hiding and restoring them is added by apps.moderation);
    artists change media on the site."""

    list_display = ["__str__", "artist", "status", "hidden", "created_at"]
    list_filter = ["status", "hidden", "kind"]
    search_fields = ["artist__stage_name", "public_id"]
    date_hierarchy = "created_at"
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


@admin.register(Clip)
class ClipAdmin(MediaItemAdmin):
    list_display = ["__str__", "artist", "status", "hidden", "duration", "created_at"]
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
        "created_at",
    ]
    list_filter = [*MediaItemAdmin.list_filter, "genre", "area"]
    search_fields = ["title", *MediaItemAdmin.search_fields]
    readonly_fields = [*MediaItemAdmin.readonly_fields, "title", "genre", "area", "play_count"]
    exclude = [*MediaItemAdmin.exclude, "artwork"]


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ["track", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["track"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # noqa: ANN001
        return False
