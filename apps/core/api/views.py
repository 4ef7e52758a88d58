from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..tickets import TICKET_SECONDS, issue_ticket


class TicketSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField()


class RealtimeTicketView(APIView):
    """A one-time ticket for opening a WebSocket at `/ws/app/...?ticket=` within 30 seconds."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=None, responses=TicketSerializer)
    def post(self, request: Request) -> Response:
        return Response({"ticket": issue_ticket(request.user), "expires_in": TICKET_SECONDS})
