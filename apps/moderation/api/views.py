"""``POST …/{id}/report/``: one shape for every reportable kind (clips, stories, tracks,
performances, artists), each at its resource's own address (see config/api_router.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, permissions, status
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..kinds import KINDS
from .serializers import ReportedSerializer, ReportSerializer


class ReportView(APIView):
    """A signed-in user reports an item they can see, once; curators decide."""

    kind = ""
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.JSONParser, parsers.FormParser]
    serializer_class = ReportSerializer

    def get_queryset(self) -> QuerySet:
        return KINDS[self.kind].visible_to(self.request.user)

    @extend_schema(request=ReportSerializer, responses={201: ReportedSerializer})
    def post(self, request: Request, **kwargs: Any) -> Response:
        reportable = KINDS[self.kind]
        lookup = kwargs[reportable.lookup]
        item = get_object_or_404(self.get_queryset(), **{reportable.lookup: lookup})
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_item(item, reporter=request.user, **data.validated_data)
        return Response({"reported": True}, status=status.HTTP_201_CREATED)


def report_paths() -> list:
    """The report address of each reportable resource, named as its router would name it."""
    routes = [
        ("artists", "slug", "artist", "artist-report"),
        ("performances", "pk", "performance", "performance-report"),
        ("media/clips", "pk", "clip", "clip-report"),
        ("media/stories", "pk", "story", "story-report"),
        ("media/tracks", "pk", "track", "track-report"),
        ("tracks", "pk", "track", "catalog-track-report"),
    ]
    return [
        # The routers' own pattern for a detail route, so the addresses read as before.
        re_path(rf"^{prefix}/(?P<{key}>[^/.]+)/report/$", ReportView.as_view(kind=kind), name=name)
        for prefix, key, kind, name in routes
    ]
