from __future__ import annotations

from datetime import datetime

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import SlugChoiceField
from apps.places.models import Area, Genre

from .. import payloads
from ..models import Performance, PerformanceStatus, Stop
from ..nearby import MIN_RADIUS_KM, NEARBY_RADIUS_KM, WHEN
from ..services import DESCRIPTION_MAX, MAX_STOPS, PLACE_MAX, TITLE_MAX


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["slug", "name"]


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["slug", "name", "city", "boundary"]


class PayloadDateTimeField(serializers.DateTimeField):
    """A time written as the live map and nearby write it (UTC), rather than in the site's zone."""

    def to_representation(self, value: datetime) -> str:
        return payloads.timestamp(value)


class StopSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    starts_at = PayloadDateTimeField()
    ends_at = PayloadDateTimeField()

    class Meta:
        model = Stop
        fields = ["order", "lat", "lng", "place_name", "area", "starts_at", "ends_at"]


class StopInputSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    place_name = serializers.CharField(max_length=PLACE_MAX)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ArtistRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    stage_name = serializers.CharField()


class PositionSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)


class PerformanceSerializer(serializers.ModelSerializer):
    artist = ArtistRefSerializer(read_only=True)
    genre = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    stops = StopSerializer(many=True, read_only=True)
    position = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Performance
        fields = [
            "id",
            "title",
            "description",
            "genre",
            "status",
            "artist",
            "stops",
            "position",
            "started_at",
            "ended_at",
            "like_count",
            "view_count",
            "url",
            # Only its artist and curators ever see a hidden performance.
            "hidden",
        ]
        read_only_fields = ["hidden"]

    @extend_schema_field(PositionSerializer(allow_null=True))
    def get_position(self, performance: Performance) -> dict | None:
        return payloads.position(performance.status, performance.position_lat, performance.position_lng)


class PerformanceWriteSerializer(serializers.Serializer):
    """The shape of a plan; the route's rules (order, overlaps, windows) live in the service."""

    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, allow_blank=True, required=False)
    genre = SlugChoiceField(slug_field="slug", queryset=Genre.objects.all(), allow_null=True, required=False)
    stops = StopInputSerializer(many=True, min_length=1, max_length=MAX_STOPS)


class LikeStateSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class NearbyQuerySerializer(serializers.Serializer):
    """Documents nearby's parameters; NearbyQuery.from_params checks them on the hot path."""

    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    radius_km = serializers.FloatField(
        min_value=MIN_RADIUS_KM, max_value=settings.MAX_RADIUS_KM, default=NEARBY_RADIUS_KM
    )
    when = serializers.ChoiceField(choices=WHEN, default="now")
    genre = serializers.SlugField(required=False, allow_blank=True, max_length=50)
    area = serializers.SlugField(required=False, allow_blank=True, max_length=100)


class NearbyStopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    place_name = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class NearbyResultSerializer(serializers.Serializer):
    """Documents the nearby payload; the view writes it with orjson, not through this class."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=PerformanceStatus.choices)
    artist = ArtistRefSerializer()
    genre = serializers.CharField(allow_null=True)
    like_count = serializers.IntegerField()
    position = PositionSerializer(allow_null=True)
    distance_m = serializers.IntegerField()
    stop = NearbyStopSerializer()
    url = serializers.CharField()


class NearbyEchoSerializer(serializers.Serializer):
    """The query as answered: the point rounded to its ~100 m tile, defaults filled in."""

    lat = serializers.FloatField()
    lng = serializers.FloatField()
    radius_km = serializers.FloatField()
    when = serializers.ChoiceField(choices=WHEN)
    genre = serializers.CharField(allow_null=True)
    area = serializers.CharField(allow_null=True)


class NearbyResponseSerializer(serializers.Serializer):
    query = NearbyEchoSerializer()
    results = NearbyResultSerializer(many=True)
