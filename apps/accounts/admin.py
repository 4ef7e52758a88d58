from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ArtistProfile, Follow, Notification, User
from .services import sanitize_bio


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "preferred_genres", "radius_km"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups", "user_permissions", "preferred_genres"]


@admin.register(ArtistProfile)
class ArtistProfileAdmin(admin.ModelAdmin):
    list_display = ["stage_name", "slug", "home_area", "payout_status", "hidden", "created_at"]
    list_filter = ["home_area", "genres", "payout_status", "hidden"]
    search_fields = ["stage_name", "slug", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["genres"]
    # Payout details come only from Stripe's onboarding: an edited account id would divert the money.
    readonly_fields = [
        "payout_status",
        "stripe_account_id",
        "created_at",
        "updated_at",
        # Hiding goes through the moderation queue (apps.moderation), which records who, when and why.
        "hidden",
    ]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        # Curators may correct a bio; it is shown as HTML, so it is sanitised like any other.
        obj.bio = sanitize_bio(obj.bio)
        super().save_model(request, obj, form, change)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["fan", "artist", "created_at"]
    search_fields = ["fan__email", "artist__stage_name"]
    autocomplete_fields = ["fan", "artist"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__email", "text"]
    raw_id_fields = ["recipient", "actor"]
