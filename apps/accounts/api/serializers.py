from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from apps.core.api.fields import SlugChoiceField
from apps.core.rows import KEY_MAX
from apps.places.models import Area, Genre

from ..models import ArtistProfile, Notification, User


class MeSerializer(serializers.ModelSerializer):
    preferred_genres = SlugChoiceField(
        slug_field="slug", queryset=Genre.objects.all(), many=True, required=False
    )
    radius_km = serializers.IntegerField(min_value=1, max_value=settings.MAX_RADIUS_KM, required=False)
    display_name = serializers.CharField(max_length=60, allow_blank=True, required=False)
    artist = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "preferred_genres", "radius_km", "artist"]
        read_only_fields = ["id", "email"]

    def get_artist(self, user: User) -> str | None:
        profile = getattr(user, "artist_profile", None)
        return profile.slug if profile else None


class ArtistSerializer(serializers.ModelSerializer):
    genres = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    home_area = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    avatar = serializers.ImageField(read_only=True, use_url=True, allow_null=True)
    cover = serializers.ImageField(read_only=True, use_url=True, allow_null=True)
    follower_count = serializers.IntegerField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ArtistProfile
        fields = [
            "slug",
            "stage_name",
            "bio",
            "avatar",
            "cover",
            "genres",
            "home_area",
            "instagram_url",
            "spotify_url",
            "youtube_url",
            "website_url",
            "follower_count",
            "url",
            # Only their owner and curators ever see a hidden profile: for them it says why it is gone.
            "hidden",
        ]
        read_only_fields = ["hidden"]


class ArtistWriteSerializer(serializers.Serializer):
    """What an artist may set on their own profile. Rules beyond shape live in the service."""

    stage_name = serializers.CharField(max_length=80)
    bio = serializers.CharField(max_length=3000, allow_blank=True, required=False)
    avatar = serializers.FileField(required=False, allow_null=True)
    cover = serializers.FileField(required=False, allow_null=True)
    genres = SlugChoiceField(slug_field="slug", queryset=Genre.objects.all(), many=True, required=False)
    home_area = SlugChoiceField(
        slug_field="slug", queryset=Area.objects.all(), required=False, allow_null=True
    )
    instagram_url = serializers.URLField(allow_blank=True, required=False, max_length=200)
    spotify_url = serializers.URLField(allow_blank=True, required=False, max_length=200)
    youtube_url = serializers.URLField(allow_blank=True, required=False, max_length=200)
    website_url = serializers.URLField(allow_blank=True, required=False, max_length=200)


class FollowStateSerializer(serializers.Serializer):
    following = serializers.BooleanField()
    follower_count = serializers.IntegerField()


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "data", "created_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationsReadSerializer(serializers.Serializer):
    # Ids are 64-bit; a bigger number is a bad request, not a database overflow.
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=KEY_MAX), required=False, max_length=500
    )


class NotificationsReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()
