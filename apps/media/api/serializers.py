from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import IdChoiceField, SlugChoiceField
from apps.performances.api.serializers import ArtistRefSerializer
from apps.performances.models import Performance
from apps.places.models import Area, Genre

from ..models import Clip, MediaItem, Story, Track
from ..services import TITLE_MAX


class MediaUrlField(serializers.Field):
    """A file's address: a local URL, or a short-lived presigned one on S3."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:  # noqa: ANN001
        return value.url if value else None


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class _UrlField(MediaUrlField):
    pass


class MediaItemSerializer(serializers.ModelSerializer):
    artist = ArtistRefSerializer(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    file_url = _UrlField(source="web_file")
    poster_url = _UrlField(source="poster")
    thumbnail_url = _UrlField(source="thumbnail")
    failure_reason = serializers.SerializerMethodField()

    COMMON = [
        "id",
        "artist",
        "kind",
        "status",
        "failure_reason",
        "hidden",
        "duration",
        "width",
        "height",
        "file_url",
        "poster_url",
        "thumbnail_url",
        "created_at",
        "url",
    ]

    def get_failure_reason(self, item: MediaItem) -> str:
        # Why processing failed is the uploader's business.
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and item.artist.user_id == request.user.id:
            return item.failure_reason
        return ""


class ClipSerializer(MediaItemSerializer):
    performance = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Clip
        fields = [*MediaItemSerializer.COMMON, "title", "performance"]


class StorySerializer(MediaItemSerializer):
    performance = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Story
        fields = [*MediaItemSerializer.COMMON, "performance", "expires_at"]


class TrackSerializer(MediaItemSerializer):
    genre = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    artwork_url = _UrlField(source="artwork")

    class Meta:
        model = Track
        fields = [*MediaItemSerializer.COMMON, "title", "genre", "area", "artwork_url", "play_count"]


class UploadSerializer(serializers.Serializer):
    """A file in the request, or the key of a direct upload to storage being confirmed."""

    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    upload = serializers.CharField(required=False, max_length=300, help_text="Key of a direct upload.")

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("file") and not attrs.get("upload"):
            raise serializers.ValidationError({"file": ["Choose a file to upload."]})
        if attrs.get("file") and attrs.get("upload"):
            raise serializers.ValidationError({"upload": ["Send a file or an upload key, not both."]})
        return attrs


class ClipUploadSerializer(UploadSerializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False, allow_blank=True)
    performance = IdChoiceField(queryset=Performance.objects.all(), required=False, allow_null=True)


class StoryUploadSerializer(UploadSerializer):
    performance = IdChoiceField(queryset=Performance.objects.all(), required=False, allow_null=True)


class TrackUploadSerializer(UploadSerializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    genre = SlugChoiceField(slug_field="slug", queryset=Genre.objects.all(), required=False, allow_null=True)
    area = SlugChoiceField(slug_field="slug", queryset=Area.objects.all(), required=False, allow_null=True)
    artwork = serializers.FileField(required=False, allow_empty_file=True, use_url=False)


class ClipChangeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True)


class TrackChangeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    genre = SlugChoiceField(slug_field="slug", queryset=Genre.objects.all(), allow_null=True)
    area = SlugChoiceField(slug_field="slug", queryset=Area.objects.all(), allow_null=True)


UPLOAD_KINDS = [("clip", "Clip"), ("story", "Story"), ("track", "Track")]


class DirectUploadRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UPLOAD_KINDS)


class DirectUploadSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.URLField()
    fields = serializers.DictField(child=serializers.CharField())
    expires_in = serializers.IntegerField()


class PlaySerializer(serializers.Serializer):
    listened_seconds = serializers.FloatField(min_value=0, max_value=24 * 3600)


class PlayResultSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    play_count = serializers.IntegerField()
