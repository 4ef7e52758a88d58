from django.contrib import admin

from .models import Performance, Stop


class StopInline(admin.TabularInline):
    model = Stop
    extra = 0
    fields = ["order", "place_name", "area", "lat", "lng", "starts_at", "ends_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Performance)
class PerformanceAdmin(admin.ModelAdmin):
    """The back office sees performances as they are; artists change them through the
    site and the API, where the route rules hold."""

    list_display = ["title", "artist", "status", "hidden", "genre", "like_count", "view_count", "created_at"]
    list_filter = ["status", "hidden", "genre", "stops__area"]
    search_fields = ["title", "description", "artist__stage_name"]
    date_hierarchy = "created_at"
    inlines = [StopInline]
    readonly_fields = [
        "artist",
        "title",
        "description",
        "genre",
        "status",
        "started_at",
        "ended_at",
        "position_lat",
        "position_lng",
        "position_at",
        "like_count",
        "view_count",
        "hidden",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
