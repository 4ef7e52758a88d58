from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import QueryChoiceField
from apps.places.models import Area

from ..trending import KINDS, trending_entry


class TrendingQuerySerializer(serializers.Serializer):
    kind = QueryChoiceField(choices=KINDS, default="performance")
    area = serializers.SlugField(
        required=False, allow_blank=True, max_length=100, help_text="An area's slug; empty: the whole city."
    )

    def validate_area(self, value: str) -> str | None:
        if value and not Area.objects.filter(slug=value).exists():
            raise serializers.ValidationError("No area has this slug.")
        return value or None


class TrendingItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    score = serializers.FloatField(help_text="Decayed, weighted engagement; only the order means anything.")


class TrendingSerializer(serializers.Serializer):
    """Documents the payload; the view sends the cached lists as they are."""

    area = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=KINDS)
    computed_at = serializers.DateTimeField()
    items = TrendingItemSerializer(many=True)


class TrendingView(APIView):
    """What is trending in the city or one area: engagement with time decay, highest first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[TrendingQuerySerializer], responses=TrendingSerializer)
    def get(self, request: Request) -> Response:
        query = TrendingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind, area = query.validated_data["kind"], query.validated_data.get("area")
        entry = trending_entry(kind, area)
        return Response({"area": area, "kind": kind, **entry})
