from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import QueryFloatField

from ..discovery import for_you
from .serializers import PerformanceTargetSerializer, TrackTargetSerializer


class PerformanceSuggestionSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text='Why it is here, e.g. "Because you follow Marta Lume".')
    performance = PerformanceTargetSerializer(source="item")


class TrackSuggestionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    track = TrackTargetSerializer(source="item")


class ForYouSerializer(serializers.Serializer):
    performances = PerformanceSuggestionSerializer(many=True)
    tracks = TrackSuggestionSerializer(many=True)


class ForYouQuerySerializer(serializers.Serializer):
    lat = QueryFloatField(required=False, min_value=-90, max_value=90)
    lng = QueryFloatField(required=False, min_value=-180, max_value=180)

    def validate(self, data: dict) -> dict:
        if ("lat" in data) != ("lng" in data):
            raise serializers.ValidationError(
                {"lng" if "lat" in data else "lat": "Give both lat and lng, or neither."}
            )
        return data


class ForYouView(APIView):
    """Performances to come and tracks from the artists you follow and the genres you like.

    With ``lat`` and ``lng``, only performances within your radius; what you have seen or
    heard is left out, and each suggestion says why it is there.
    """

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, description="Your latitude (with lng)."),
            OpenApiParameter("lng", OpenApiTypes.DOUBLE, description="Your longitude (with lat)."),
        ],
        responses=ForYouSerializer,
    )
    def get(self, request: Request) -> Response:
        query = ForYouQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        performances, tracks = for_you(
            request.user, lat=query.validated_data.get("lat"), lng=query.validated_data.get("lng")
        )
        return Response(ForYouSerializer({"performances": performances, "tracks": tracks}).data)
