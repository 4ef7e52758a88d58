from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import parsers, permissions, status, views, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.visitors import visitor_key

from .. import services
from ..models import Clip, MediaItem, Story, Track
from . import serializers as s
from .filters import PerformanceMediaFilter, TrackFilter
from .permissions import IsArtist, IsUploaderOrReadOnly

UPLOAD_PARSERS = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]


class MediaItemViewSet(viewsets.ModelViewSet):
    """Shared by clips, stories and tracks: public when processed, the uploader's in any state."""

    kind: str  # "clip", "story" or "track": picks the upload service
    model: type[MediaItem]
    upload_serializer: type[s.UploadSerializer]
    change_serializer: type[Any] | None = None
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsArtist, IsUploaderOrReadOnly]
    parser_classes = UPLOAD_PARSERS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):  # noqa: ANN201
        return self.model.objects.visible_to(self.request.user).with_artist()

    def get_permissions(self) -> list:
        if self.action == "plays":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def _read(self, item: MediaItem, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.model._base_manager.select_related("artist").get(pk=item.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = self.upload_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["upload"], fields["direct_key"] = fields.pop("file", None), fields.pop("upload", "")
        item = services.UPLOADERS[self.kind](request.user.artist_profile, actor=request.user, **fields)
        return self._read(item, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        item = self.get_object()
        if self.change_serializer is None:
            return Response(
                {"detail": "This cannot be changed.", "code": "not_changeable", "errors": {}},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        data = self.change_serializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._read(services.update_item(item, actor=request.user, **data.validated_data))

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.delete_item(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": s.ClipUploadSerializer, "application/json": s.ClipUploadSerializer}
    )
)
class ClipViewSet(MediaItemViewSet):
    """Short videos (up to 5 minutes) by artists, optionally from one of their performances."""

    model = Clip
    kind = "clip"
    serializer_class = s.ClipSerializer
    upload_serializer = s.ClipUploadSerializer
    change_serializer = s.ClipChangeSerializer
    filterset_class = PerformanceMediaFilter


class StoryViewSet(MediaItemViewSet):
    """Videos (up to 60 s) and images that disappear 24 hours after they are posted."""

    model = Story
    kind = "story"
    serializer_class = s.StorySerializer
    upload_serializer = s.StoryUploadSerializer
    filterset_class = PerformanceMediaFilter


class TrackViewSet(MediaItemViewSet):
    """The local catalog: recordings by the city's artists (up to 15 minutes)."""

    model = Track
    kind = "track"
    serializer_class = s.TrackSerializer
    upload_serializer = s.TrackUploadSerializer
    change_serializer = s.TrackChangeSerializer
    filterset_class = TrackFilter

    def get_queryset(self):  # noqa: ANN201
        return super().get_queryset().select_related("genre", "area")

    @extend_schema(
        request=s.PlaySerializer, responses={200: s.PlayResultSerializer, 201: s.PlayResultSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.JSONParser, parsers.FormParser])
    def plays(self, request: Request, pk: str | None = None) -> Response:
        track = self.get_object()
        data = s.PlaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        play = services.record_play(
            track,
            listener=visitor_key(request),
            user=user,
            listened_seconds=data.validated_data["listened_seconds"],
        )
        track.refresh_from_db(fields=["play_count"])
        body = {"counted": play is not None, "play_count": track.play_count}
        return Response(body, status=status.HTTP_201_CREATED if play else status.HTTP_200_OK)


class DirectUploadView(views.APIView):
    """Start a direct upload: apps send big files straight to S3, then confirm with its key."""

    permission_classes = [permissions.IsAuthenticated, IsArtist]

    @extend_schema(request=s.DirectUploadRequestSerializer, responses={201: s.DirectUploadSerializer})
    def post(self, request: Request) -> Response:
        data = s.DirectUploadRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not hasattr(request.user, "artist_profile"):
            self.permission_denied(request, message=IsArtist.message)
        ticket = services.start_direct_upload(
            request.user.artist_profile, actor=request.user, kind=data.validated_data["kind"]
        )
        return Response(ticket, status=status.HTTP_201_CREATED)
