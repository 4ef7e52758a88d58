from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, permissions, viewsets

from apps.core.api.fields import SLUG_LOOKUP
from apps.core.api.pagination import CursorPagination

from .. import services
from ..models import Collection, Feature
from .serializers import CollectionDetailSerializer, CollectionSerializer, FeatureSerializer


class CollectionPagination(CursorPagination):
    # Newest published first; the cursor reads the same moment the pages sort by.
    ordering = ("-published_at", "-id")


class CollectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Published collections, newest first; one collection with its items in order."""

    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    lookup_value_regex = SLUG_LOOKUP
    pagination_class = CollectionPagination
    filterset_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Collection]:
        collections = services.published_collections()
        if self.action == "retrieve":
            return services.with_public_items(collections)
        return collections

    def get_serializer_class(self) -> type:
        return CollectionDetailSerializer if self.action == "retrieve" else CollectionSerializer


class FeatureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What is on the home page now: at most one feature per slot, the hero first."""

    permission_classes = [permissions.AllowAny]
    serializer_class = FeatureSerializer
    # A slot holds one feature at a time, so the whole list is a handful of entries.
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> list[Feature]:  # type: ignore[override]
        return services.live_features()
