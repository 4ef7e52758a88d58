"""The curator dashboard: collections and their items, and home-page features.

Publishing and features go through the services, so the admin keeps the same rules as
everything else. Reports and the moderation log are apps.moderation's.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin
from django.db.models import Count, Field, QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.forms import Field as FormField
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from apps.core.admin import apply_each

from . import admin_stats, services  # noqa: F401  (admin_stats registers the area insights)
from .forms import CollectionItemAdminForm, FeatureAdminForm
from .models import Collection, CollectionItem, Feature


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    form = CollectionItemAdminForm
    fields = ["position", "artist", "performance", "track", "note"]
    autocomplete_fields = ["artist", "performance", "track"]
    ordering = ["position", "id"]
    extra = 1
    # One row per item has to fit a 1280 px screen beside the admin's sidebar: the choosers
    # truncate long names rather than push the note and the delete box off the screen.
    widths = {"position": "4em", "artist": "11em", "performance": "11em", "track": "11em", "note": "13em"}

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> FormField | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.widths:
            formfield.widget.attrs["style"] = f"width: {self.widths[db_field.name]}"
        return formfield


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "window", "curator", "item_count", "updated_at"]
    list_filter = ["status", "areas", "genres"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["areas", "genres"]
    # Status changes only through Publish / Unpublish, which check what a page needs.
    readonly_fields = ["status", "curator", "page_link", "created_at", "updated_at"]
    fields = [
        "title",
        "slug",
        "intro",
        "cover",
        "areas",
        "genres",
        "publish_from",
        "publish_until",
        "status",
        "curator",
        "page_link",
        "created_at",
        "updated_at",
    ]
    inlines = [CollectionItemInline]
    actions = ["publish_selected", "unpublish_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("curator")
            .annotate(item_count=Count("items", distinct=True))
        )

    @admin.display(description="Items", ordering="item_count")
    def item_count(self, collection: Collection) -> int:
        return collection.item_count

    @admin.display(description="Window")
    def window(self, collection: Collection) -> str:
        start = (
            services.describe_moment(collection.publish_from) if collection.publish_from else "on publishing"
        )
        end = (
            services.describe_moment(collection.publish_until)
            if collection.publish_until
            else "until unpublished"
        )
        return f"{start} → {end}"

    @admin.display(description="Page")
    def page_link(self, collection: Collection) -> str:
        if not collection.pk:
            return "—"
        label = "View on the site" if services.is_public(collection) else "Preview (not public)"
        return format_html('<a href="{}">{}</a>', collection.get_absolute_url(), label)

    def save_model(self, request: HttpRequest, obj: Collection, form: ModelForm, change: bool) -> None:
        if not change:
            obj.curator = request.user
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        # A new item whose position was left alone goes to the end, not to the top.
        untouched = [f for f in formset.forms if f.instance.pk is None and "position" not in f.changed_data]
        placed = [f.instance.position for f in formset.forms if f not in untouched]
        last = max(placed, default=0)
        for item_form in untouched:
            last += 1
            item_form.instance.position = last
        super().save_formset(request, form, formset, change)

    @admin.action(description="Publish selected collections", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        act = partial(services.publish_collection, actor=request.user)
        apply_each(self, request, queryset, act, noun="collection", done="published")

    @admin.action(description="Unpublish selected collections", permissions=["change"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        act = partial(services.unpublish_collection, actor=request.user)
        apply_each(self, request, queryset, act, noun="collection", done="unpublished")


class SpanFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("live", "Live now"), ("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        if self.value() == "live":
            return queryset.live(now)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    form = FeatureAdminForm
    list_display = ["__str__", "slot", "target_link", "span", "live_now", "created_by"]
    list_filter = ["slot", SpanFilter]
    search_fields = [
        "headline",
        "note",
        "artist__stage_name",
        "performance__title",
        "track__title",
        "collection__title",
    ]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["artist", "performance", "track", "collection"]
    readonly_fields = ["created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["slot", "starts_at", "ends_at"]}),
        (
            "What is featured (exactly one)",
            {"fields": ["artist", "performance", "track", "collection"]},
        ),
        ("Words", {"fields": ["headline", "note"]}),
        (None, {"fields": ["created_by", "created_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("artist", "performance", "track", "collection", "created_by")
        )

    @admin.display(description="Featured item")
    def target_link(self, feature: Feature) -> str:
        target = feature.target
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target) if target else "—"

    @admin.display(description="Span", ordering="starts_at")
    def span(self, feature: Feature) -> str:
        return services.describe_span(feature.starts_at, feature.ends_at)

    @admin.display(description="Live now?", boolean=True)
    def live_now(self, feature: Feature) -> bool:
        return feature.starts_at <= timezone.now() < feature.ends_at

    def save_model(self, request: HttpRequest, obj: Feature, form: ModelForm, change: bool) -> None:
        fields = {name: form.cleaned_data.get(name) for name in FeatureAdminForm.Meta.fields}
        if change:
            services.update_feature(obj, actor=request.user, **fields)
        else:
            created = services.create_feature(actor=request.user, **fields)
            obj.pk, obj.created_by, obj.created_at = created.pk, created.created_by, created.created_at
