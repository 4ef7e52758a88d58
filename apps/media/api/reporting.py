"""The report action every reportable API resource shares: clips, stories, tracks, performances, artists."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import parsers, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from .serializers import ReportedSerializer, ReportSerializer


class ReportActionMixin:
    """``POST …/{id}/report/`` ``{reason, note}``: a signed-in user reports the item once."""

    @extend_schema(request=ReportSerializer, responses={201: ReportedSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        serializer_class=ReportSerializer,
        parser_classes=[parsers.JSONParser, parsers.FormParser],
    )
    def report(self, request: Request, **kwargs: Any) -> Response:
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_item(self.get_object(), reporter=request.user, **data.validated_data)
        return Response({"reported": True}, status=status.HTTP_201_CREATED)
