"""An artist's API resource with where they play. Artists are accounts' (below this app), so
this app extends their resource with the shows; the list stays as accounts serves it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api import views as accounts
from apps.accounts.api.serializers import ArtistSerializer
from apps.accounts.models import ArtistProfile

from ..shows import artist_shows
from .serializers import PerformanceSerializer


class ShowsSerializer(serializers.Serializer):
    live = PerformanceSerializer(many=True, read_only=True)
    upcoming = PerformanceSerializer(many=True, read_only=True, help_text="Soonest first.")
    recent = PerformanceSerializer(many=True, read_only=True, help_text="Latest first.")


class ArtistDetailSerializer(ArtistSerializer):
    shows = serializers.SerializerMethodField()

    class Meta(ArtistSerializer.Meta):
        fields = [*ArtistSerializer.Meta.fields, "shows"]

    @extend_schema_field(ShowsSerializer)
    def get_shows(self, artist: ArtistProfile) -> dict:
        request = self.context.get("request")
        shows = artist_shows(artist, user=request.user if request else None)
        return ShowsSerializer(shows, context=self.context).data


class ArtistViewSet(accounts.ArtistViewSet):
    @extend_schema(responses=ArtistDetailSerializer)
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        artist = self.get_object()
        return Response(ArtistDetailSerializer(artist, context=self.get_serializer_context()).data)
