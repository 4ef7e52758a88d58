from apps.core.api.permissions import IsArtist, IsArtistsOwnOrReadOnly

__all__ = ["IsArtist", "IsUploaderOrReadOnly"]


class IsUploaderOrReadOnly(IsArtistsOwnOrReadOnly):
    message = "Only the artist can change their media."
