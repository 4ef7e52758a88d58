from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import SLUG_LOOKUP
from apps.core.api.pagination import CursorPagination

from .. import services
from ..events import unread_count
from ..models import ArtistProfile, Follow, Notification
from .filters import ArtistFilter
from .serializers import (
    ArtistSerializer,
    ArtistWriteSerializer,
    FollowStateSerializer,
    MeSerializer,
    NotificationSerializer,
    NotificationsReadResultSerializer,
    NotificationsReadSerializer,
)


class MeView(APIView):
    """The signed-in user's own account and preferences."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.update_account(request.user, actor=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)


class MyArtistView(APIView):
    """The signed-in user's artist profile: create it once, then edit it."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]

    def _profile(self, request: Request) -> ArtistProfile:
        return get_object_or_404(ArtistProfile.objects.for_listing(), user=request.user)

    @extend_schema(responses=ArtistSerializer)
    def get(self, request: Request) -> Response:
        return Response(ArtistSerializer(self._profile(request), context={"request": request}).data)

    @extend_schema(request=ArtistWriteSerializer, responses={201: ArtistSerializer})
    def post(self, request: Request) -> Response:
        serializer = ArtistWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.create_artist_profile(request.user, **serializer.validated_data)
        profile = ArtistProfile.objects.for_listing().get(pk=profile.pk)
        return Response(
            ArtistSerializer(profile, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ArtistWriteSerializer, responses=ArtistSerializer)
    def patch(self, request: Request) -> Response:
        profile = self._profile(request)
        serializer = ArtistWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_artist_profile(profile, actor=request.user, **serializer.validated_data)
        return Response(ArtistSerializer(self._profile(request), context={"request": request}).data)


class ArtistPagination(CursorPagination):
    ordering = ("stage_name", "id")


class ArtistViewSet(viewsets.ReadOnlyModelViewSet):
    """Local artists; follow and unfollow them."""

    serializer_class = ArtistSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_LOOKUP
    filterset_class = ArtistFilter
    pagination_class = ArtistPagination
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):  # noqa: ANN201
        return ArtistProfile.objects.visible_to(self.request.user).for_listing()

    def _follow_state(self, request: Request, artist: ArtistProfile) -> Response:
        data = {
            "following": Follow.objects.filter(fan=request.user, artist=artist).exists(),
            "follower_count": artist.followers.count(),
        }
        return Response(FollowStateSerializer(data).data)

    @extend_schema(request=None, responses={200: FollowStateSerializer, 204: None})
    @action(
        detail=True,
        methods=["put", "delete"],
        permission_classes=[permissions.IsAuthenticated],
        serializer_class=FollowStateSerializer,
    )
    def follow(self, request: Request, slug: str | None = None) -> Response:
        artist = get_object_or_404(ArtistProfile.objects.visible_to(request.user), slug=slug)
        if request.method == "DELETE":
            services.unfollow_artist(artist, fan=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.follow_artist(artist, fan=request.user)
        return self._follow_state(request, artist)


class NotificationListView(generics.ListAPIView):
    """The signed-in user's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):  # noqa: ANN201
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.for_user(self.request.user)


class NotificationsReadView(APIView):
    """Mark notifications read: the given ids, or all of them."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=NotificationsReadSerializer, responses=NotificationsReadResultSerializer)
    def post(self, request: Request) -> Response:
        serializer = NotificationsReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.mark_notifications_read(request.user, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked, "unread_count": unread_count(request.user)})
