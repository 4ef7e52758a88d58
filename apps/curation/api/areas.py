from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.performances.api.serializers import AreaSerializer
from apps.performances.api.views import AreaViewSet as BaseAreaViewSet

from ..discovery import area_discovery
from .serializers import (
    ArtistTargetSerializer,
    CollectionTargetSerializer,
    PerformanceTargetSerializer,
    TrackTargetSerializer,
)


class EventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    venue = serializers.CharField(source="venue.name")
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    url = serializers.CharField(source="get_absolute_url")


class AreaDiscoverySerializer(AreaSerializer):
    """An area and what plays there: performances live and to come, jukebox nights, artists, tracks."""

    live = PerformanceTargetSerializer(many=True, source="discovery.live")
    upcoming = PerformanceTargetSerializer(many=True, source="discovery.upcoming")
    events = EventRefSerializer(many=True, source="discovery.events")
    artists = ArtistTargetSerializer(many=True, source="discovery.artists")
    tracks = TrackTargetSerializer(many=True, source="discovery.tracks")
    collections = CollectionTargetSerializer(many=True, source="discovery.collections")

    class Meta(AreaSerializer.Meta):
        fields = [
            *AreaSerializer.Meta.fields,
            "live",
            "upcoming",
            "events",
            "artists",
            "tracks",
            "collections",
        ]


class AreaViewSet(BaseAreaViewSet):
    """Areas of the city with their boundaries; one area also lists what plays there."""

    @extend_schema(responses=AreaDiscoverySerializer)
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        area = self.get_object()
        area.discovery = area_discovery(area)
        return Response(AreaDiscoverySerializer(area).data)
