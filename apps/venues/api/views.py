from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, pagination, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import lean
from apps.core.api.pagination import CursorPagination
from apps.core.api.schema import refusals
from apps.core.clients import client_address
from apps.core.realtime import current_seq

from .. import events, providers, services
from ..models import Event, Guest, QueueEntry
from .filters import EventFilter
from .permissions import IsVenueStaff
from .serializers import (
    ID_MAX,
    EntryActionSerializer,
    EventSerializer,
    GuestJoinSerializer,
    GuestTokenSerializer,
    PoolQuerySerializer,
    PoolTrackSerializer,
    QueueStateSerializer,
    VoteResultSerializer,
    VoteSerializer,
)

GUEST_HEADER = "X-Guest-Token"
GUEST_META = "HTTP_" + GUEST_HEADER.upper().replace("-", "_")  # as request.META names it
SCAN_TO_VOTE = "Scan the code on the venue's screen to vote."
STAFF_ACTIONS = {"play_next", "skip", "veto", "remove", "track_ended"}

guest_token_header = OpenApiParameter(
    GUEST_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="From `POST /events/{id}/guest/`. Signed-in fans may leave it out and vote as themselves.",
)


# The staff's queue controls work only while the event runs.
NOT_ACTIVE = refusals({409: "The event is not running."})


def visible_events(user) -> QuerySet[Event]:  # noqa: ANN001
    """Events that are open to everyone, plus the drafts of the caller's own venues."""
    visible = Event.objects.public()
    if user.is_authenticated:
        visible |= Event.objects.filter(pk__in=Event.objects.for_staff(user).values("pk"))
    return visible


def queue_payload(event_id: int) -> dict[str, Any]:
    # The sequence number is read first: an update that lands in between is newer than
    # this snapshot, so the client applies it rather than dropping it as already seen.
    seq = current_seq(events.event_group(event_id))
    return {"seq": seq, **events.queue_state(event_id)}


def json_response(body: dict[str, Any], code: int = status.HTTP_200_OK) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=code, content_type="application/json")


def voted_response(entry: QueueEntry) -> HttpResponse:
    voted = {"id": entry.pk, "track": entry.track_id, "votes": entry.votes}
    # Just the vote: the new queue reaches every client, this one too, over the socket
    # (or from queue/); building it for each vote would double the work of the busiest path.
    seq = getattr(entry, "queue_seq", None)
    if seq is None:
        seq = current_seq(events.event_group(entry.event_id))
    return json_response({"entry": voted, "seq": seq}, status.HTTP_201_CREATED)


def vote_from_app(request: HttpRequest, pk: str, *, allow: str) -> HttpResponse | None:
    """A vote an app sends with its fan's session token, without DRF: a night's busiest write.

    Takes a valid body from a signed-in fan who already has a guest at a public event (see
    apps.core.api.lean); None hands the request to DRF.
    """
    data = lean.json_body(request, unless_header=GUEST_META)
    track_id = lean.whole_number(data.get("track"), 1, ID_MAX) if data is not None else None
    if track_id is None or not pk.isdigit() or (user := lean.app_user(request)) is None:
        return None
    found = Event.objects.public_with_guest(int(pk), user.pk)
    if found is None or found[1] is None:
        return None
    event, guest = found

    def vote() -> HttpResponse:
        entry = services.cast_vote(event, track_id, guest=guest, network=client_address(request))
        return voted_response(entry)

    return lean.answer(request, user, vote, allow=allow)


def guest_of(request: Request, event: Event) -> Guest:
    """Who is voting: the guest of the token sent, else the signed-in fan's own guest."""
    token = request.headers.get(GUEST_HEADER)
    if token:
        guest = services.guest_from_token(event, token)
        if guest is None:
            raise exceptions.PermissionDenied(SCAN_TO_VOTE, code="guest_required")
        return guest
    if request.user.is_authenticated:
        return services.guest_for(event, user=request.user)
    raise exceptions.PermissionDenied(SCAN_TO_VOTE, code="guest_required")


class EventPagination(CursorPagination):
    ordering = ("-starts_at", "-id")


class PoolPagination(pagination.PageNumberPagination):
    """Pages in the provider's own order (by artist, then title), which a cursor cannot follow."""

    page_size = 50

    def get_page_number(self, request: Request, paginator) -> int:  # noqa: ANN001
        raw = request.query_params.get(self.page_query_param, "1")
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise exceptions.ValidationError({self.page_query_param: ["Give a whole number from 1."]})
        return number

    def get_schema_operation_parameters(self, view) -> list[dict]:  # noqa: ANN001
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Jukebox events at venues: the queue, guests' votes, and the staff's controls."""

    serializer_class = EventSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = EventFilter
    pagination_class = EventPagination

    def get_queryset(self) -> QuerySet[Event]:
        user = self.request.user
        # Staff controls only find the caller's own venues' events: others' ids are 404.
        events = Event.objects.for_staff(user) if self.action in STAFF_ACTIONS else visible_events(user)
        return events.select_related("venue")

    def get_permissions(self) -> list:
        if self.action in STAFF_ACTIONS:
            return [IsVenueStaff()]
        return super().get_permissions()

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and self.action_map.get("post") == "votes":
            answer = vote_from_app(request, kwargs.get("pk", ""), allow=", ".join(self.allowed_methods))
            if answer is not None:
                return answer
        return super().dispatch(request, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet[Event]) -> QuerySet[Event]:
        # The filters are the list's; an action's own parameters (the pool's q) are not events'.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(responses=QueueStateSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def queue(self, request: Request, pk: str | None = None) -> HttpResponse:
        return json_response(queue_payload(self.get_object().pk))

    @extend_schema(parameters=[PoolQuerySerializer], responses=PoolTrackSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=PoolPagination, filterset_class=None)
    def pool(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        query = PoolQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tracks = providers.provider_for(event).pool(event, query=query.validated_data.get("q", ""))
        page = self.paginate_queryset(tracks)
        return self.get_paginated_response(PoolTrackSerializer(page, many=True).data)

    @extend_schema(request=GuestJoinSerializer, responses=GuestTokenSerializer)
    @action(detail=True, methods=["post"])
    def guest(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        data = GuestJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        # An app that already holds a guest of this event keeps it (and its limits).
        token = request.headers.get(GUEST_HEADER)
        current = services.guest_from_token(event, token) if token else None
        guest = services.join_with_qr(event, data.validated_data["token"], user=user, current=current)
        return Response(
            {"guest_token": services.guest_token(guest), "expires_in": settings.EVENT_GUEST_MAX_AGE_SECONDS}
        )

    @extend_schema(
        request=VoteSerializer,
        responses={
            201: VoteResultSerializer,
            **refusals(
                {
                    400: "The track is not in tonight's pool.",
                    409: "You already voted for this track, or it is playing, has played tonight or "
                    "was set aside by the venue; or the event is not taking votes.",
                }
            ),
        },
        parameters=[guest_token_header],
    )
    @action(detail=True, methods=["post"])
    def votes(self, request: Request, pk: str | None = None) -> HttpResponse:
        event = self.get_object()
        guest = guest_of(request, event)
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.cast_vote(
            event, data.validated_data["track"], guest=guest, network=client_address(request)
        )
        return voted_response(entry)

    # --- the staff's controls; each answers with the queue as it now stands -----------------

    @extend_schema(request=None, responses={200: QueueStateSerializer, **NOT_ACTIVE})
    @action(detail=True, methods=["post"], url_path="next")
    def play_next(self, request: Request, pk: str | None = None) -> HttpResponse:
        event = self.get_object()
        services.play_next(event, actor=request.user)
        return json_response(queue_payload(event.pk))

    @extend_schema(request=None, responses={200: QueueStateSerializer, **NOT_ACTIVE})
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, pk: str | None = None) -> HttpResponse:
        event = self.get_object()
        services.skip(event, actor=request.user)
        return json_response(queue_payload(event.pk))

    def _entry_action(self, request: Request, change) -> HttpResponse:  # noqa: ANN001
        event = self.get_object()
        data = EntryActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change(event, data.validated_data["entry"], actor=request.user)
        return json_response(queue_payload(event.pk))

    @extend_schema(
        request=EntryActionSerializer,
        responses={
            200: QueueStateSerializer,
            **refusals({409: "Only a queued or playing track can be vetoed, while the event runs."}),
        },
    )
    @action(detail=True, methods=["post"])
    def veto(self, request: Request, pk: str | None = None) -> HttpResponse:
        return self._entry_action(request, services.veto)

    @extend_schema(
        request=EntryActionSerializer,
        responses={
            200: QueueStateSerializer,
            **refusals({409: "Only a queued track can be removed, while the event runs."}),
        },
    )
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> HttpResponse:
        return self._entry_action(request, services.remove)

    @extend_schema(
        request=EntryActionSerializer,
        responses=QueueStateSerializer,
        description="The display's player finished an entry; a repeated or late report changes nothing.",
    )
    @action(detail=True, methods=["post"], url_path="track-ended")
    def track_ended(self, request: Request, pk: str | None = None) -> HttpResponse:
        return self._entry_action(request, services.track_ended)
