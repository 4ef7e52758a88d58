from __future__ import annotations

from datetime import timedelta

import orjson
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import lean
from apps.core.api.fields import SLUG_LOOKUP
from apps.core.api.pagination import CursorPagination
from apps.core.api.schema import refusals
from apps.core.api.throttling import ApiRateThrottle
from apps.core.visitors import visitor_key
from apps.places.models import Area, Genre

from .. import services
from ..models import Like, Performance
from ..nearby import NearbyQuery, nearby_answer, nearby_json, tile_of
from ..querysets import MAX_STOP_LENGTH
from .filters import PerformanceFilter
from .permissions import IsArtist, IsPerformanceOwnerOrReadOnly
from .serializers import (
    AreaSerializer,
    GenreSerializer,
    LikeStateSerializer,
    NearbyQuerySerializer,
    NearbyResponseSerializer,
    PerformanceSerializer,
    PerformanceWriteSerializer,
    PositionSerializer,
)

# The rules each write can break, for its documented 400s and 409s.
ROUTE_RULES = (
    f"A route has 1 to {services.MAX_STOPS} stops, each with a place and a start before its end "
    f"(at most {MAX_STOP_LENGTH // timedelta(hours=1)} hours), in time order, none overlapping."
)
CHANGE_RULES = refusals(
    {
        400: ROUTE_RULES,
        409: "Stops that have already started cannot be changed, and an ended or cancelled route not at all.",
    }
)


def nearby_for_anyone(request: HttpRequest, *, allow: str) -> HttpResponse | None:
    """Nearby's answer to a caller who sends no credentials, without DRF: the hot path.

    Bytes straight from the tile cache with an ETag, public for as long as that cache keeps
    them. None hands the request to DRF, which answers it as every endpoint does: a caller
    who may be signed in, a query that is not valid, a caller over the limit. A request is
    counted once against the limit either way: an invalid one is handed over before it is
    counted, and a refused one is not counted.
    """
    if _may_be_signed_in(request):
        return None
    try:
        query = NearbyQuery.from_params(request.GET)
    except ValidationError:
        return None
    # Known anonymous from its headers: no session is read, so no `Vary: Cookie` either.
    request.user = AnonymousUser()
    # The limit's count and the tile cache's read share one round trip to Redis.
    tile = tile_of(query)
    allowed, found = ApiRateThrottle().allow_request_reading(request, tile.names if tile else ())
    if not allowed:
        return None
    body, etag = nearby_answer(query, found if tile else None)
    # From META: request.headers would copy every header to read this one.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and etag in parse_etags(if_none_match):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.NEARBY_CACHE_SECONDS}"
    response["Allow"] = allow
    return response


def position_from_app(request: HttpRequest, pk: str, *, allow: str) -> HttpResponse | None:
    """A position a performer's phone sends with their session token, without DRF: it comes
    every few seconds from every live performer.

    Takes a valid body for one of the performer's own performances (see apps.core.api.lean);
    None hands the request to DRF, which also answers anyone else's with 404 or 403.
    """
    data = lean.json_body(request)
    if data is None or not pk.isdigit():
        return None
    lat, lng = lean.real_number(data.get("lat"), -90, 90), lean.real_number(data.get("lng"), -180, 180)
    if lat is None or lng is None or (user := lean.app_user(request)) is None:
        return None
    performance = Performance.objects.own_for_move(int(pk), user.pk)
    if performance is None:
        return None

    def move() -> HttpResponse:
        moved = services.update_position(performance, actor=user, lat=lat, lng=lng)
        body = orjson.dumps({"lat": moved.position_lat, "lng": moved.position_lng})
        return HttpResponse(body, content_type="application/json")

    return lean.answer(request, user, move, allow=allow)


def _may_be_signed_in(request: HttpRequest) -> bool:
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_X_SESSION_TOKEN" in request.META
        or "HTTP_AUTHORIZATION" in request.META
    )


class GenreViewSet(viewsets.ReadOnlyModelViewSet):
    """The curated list of genres, for filters."""

    queryset = Genre.objects.all()
    serializer_class = GenreSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    lookup_value_regex = SLUG_LOOKUP
    pagination_class = None


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Areas of the city with their boundaries as GeoJSON."""

    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    lookup_value_regex = SLUG_LOOKUP
    pagination_class = None


class PerformancePagination(CursorPagination):
    def get_ordering(self, request, queryset, view):  # noqa: ANN001, ANN201
        # Search results keep their relevance order; the cursor breaks rank ties by id.
        if request.query_params.get("q", "").strip() and connection.vendor == "postgresql":
            return ("-rank", "-id")
        return ("-id",)


class PerformanceViewSet(viewsets.ModelViewSet):
    """Performances and their routes: plan, go live, move, end, like."""

    serializer_class = PerformanceSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsArtist, IsPerformanceOwnerOrReadOnly]
    filterset_class = PerformanceFilter
    pagination_class = PerformancePagination
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):  # noqa: ANN201
        performances = Performance.objects.visible_to(self.request.user)
        if self.action == "position":
            # A performer's phone sends one every few seconds: the move reads the artist (whose
            # it is) and the genre (the map's item); it reads the route itself.
            return performances.select_related("artist", "genre")
        return performances.with_related()

    def filter_queryset(self, queryset):  # noqa: ANN001, ANN201
        # The filters choose among performances in lists; one named by its id is not filtered.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def _read(self, performance: Performance, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=performance.pk)
        return Response(PerformanceSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        performance = self.get_object()
        services.record_view(
            performance,
            visitor=visitor_key(request),
            user=request.user if request.user.is_authenticated else None,
        )
        return self._read(performance)

    @extend_schema(
        request=PerformanceWriteSerializer,
        responses={201: PerformanceSerializer, **refusals({400: ROUTE_RULES})},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = PerformanceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        performance = services.create_performance(
            request.user.artist_profile, actor=request.user, **data.validated_data
        )
        return self._read(performance, status.HTTP_201_CREATED)

    @extend_schema(request=PerformanceWriteSerializer, responses={200: PerformanceSerializer, **CHANGE_RULES})
    def update(self, request: Request, *args, **kwargs) -> Response:
        performance = self.get_object()
        partial = kwargs.get("partial", False)
        data = PerformanceWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        performance = services.update_performance(performance, actor=request.user, **data.validated_data)
        return self._read(performance)

    @extend_schema(
        request=PerformanceWriteSerializer(partial=True),
        responses={200: PerformanceSerializer, **CHANGE_RULES},
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.delete_performance(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={
            200: PerformanceSerializer,
            **refusals(
                {
                    409: "Outside the window from 30 minutes before a stop starts until it ends, "
                    "already live with another performance, or not scheduled."
                }
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="go-live")
    def go_live(self, request: Request, pk: str | None = None) -> Response:
        return self._read(services.go_live(self.get_object(), actor=request.user))

    @extend_schema(
        request=None,
        responses={200: PerformanceSerializer, **refusals({409: "The performance is not live."})},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        return self._read(services.end_performance(self.get_object(), actor=request.user))

    @extend_schema(
        request=None,
        responses={200: PerformanceSerializer, **refusals({409: "The performance is not scheduled."})},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._read(services.cancel_performance(self.get_object(), actor=request.user))

    @extend_schema(
        request=PositionSerializer,
        responses={
            200: PositionSerializer,
            **refusals({409: "The performance is not live (or has just ended)."}),
            **refusals({429: "A position comes at most every few seconds."}),
        },
    )
    @action(detail=True, methods=["post"], serializer_class=PositionSerializer)
    def position(self, request: Request, pk: str | None = None) -> Response:
        data = PositionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        performance = services.update_position(self.get_object(), actor=request.user, **data.validated_data)
        return Response({"lat": performance.position_lat, "lng": performance.position_lng})

    # Both methods answer the like state, so DELETE is a 200 with a body rather than a 204.
    @extend_schema(request=None, responses={200: LikeStateSerializer})
    @action(
        detail=True,
        methods=["put", "delete"],
        permission_classes=[permissions.IsAuthenticated],
        serializer_class=LikeStateSerializer,
    )
    def like(self, request: Request, pk: str | None = None) -> Response:
        performance = self.get_object()
        if request.method == "DELETE":
            performance = services.unlike_performance(performance, user=request.user)
        else:
            performance = services.like_performance(performance, user=request.user)
        liked = Like.objects.filter(user=request.user, performance=performance).exists()
        return Response({"liked": liked, "like_count": performance.like_count})

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        action = self.action_map.get(request.method.lower())
        answer = None
        if action == "nearby":
            answer = nearby_for_anyone(request, allow=", ".join(self.allowed_methods))
        elif action == "position":
            answer = position_from_app(request, kwargs.get("pk", ""), allow=", ".join(self.allowed_methods))
        return answer if answer is not None else super().dispatch(request, *args, **kwargs)

    @extend_schema(
        parameters=[NearbyQuerySerializer],
        responses={
            200: NearbyResponseSerializer,
            304: OpenApiResponse(description="Not modified: the answer the `If-None-Match` ETag names."),
        },
        description="Performances around a point, nearest first, each with its nearest matching stop "
        "and the distance in metres (from a ~100 m tile centre). At most 100.\n\n"
        "Every point of a tile (`lat` and `lng` rounded to 3 decimals) gets the same answer. "
        "Anonymous answers carry an `ETag` and `Cache-Control: public, max-age=` the tile cache's "
        "time, so a client that sends the rounded point lets a shared cache answer; "
        "`If-None-Match` gets a 304 while nothing changed there.",
    )
    @action(detail=False, methods=["get"], permission_classes=[permissions.AllowAny], pagination_class=None)
    def nearby(self, request: Request) -> HttpResponse:
        # Callers who may be signed in: their answer is theirs (the privacy headers keep it so).
        query = NearbyQuery.from_params(request.query_params)
        return HttpResponse(nearby_json(query), content_type="application/json")
