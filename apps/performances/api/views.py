from rest_framework import permissions, viewsets

from ..models import Area, Genre
from .serializers import AreaSerializer, GenreSerializer


class GenreViewSet(viewsets.ReadOnlyModelViewSet):
    """The curated list of genres, for filters."""

    queryset = Genre.objects.all()
    serializer_class = GenreSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    pagination_class = None


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Areas of the city with their boundaries as GeoJSON."""

    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    pagination_class = None
