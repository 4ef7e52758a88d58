from apps.core.api.permissions import IsArtist, IsArtistsOwnOrReadOnly

__all__ = ["IsArtist", "IsPerformanceOwnerOrReadOnly"]


class IsPerformanceOwnerOrReadOnly(IsArtistsOwnOrReadOnly):
    message = "Only the artist can change this performance."
