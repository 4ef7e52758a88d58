"""Permissions shared by the apps' APIs."""

from rest_framework import permissions


class IsArtist(permissions.BasePermission):
    """Writing needs an artist profile; reading does not."""

    message = "Create your artist profile first."

    def has_permission(self, request, view) -> bool:  # noqa: ANN001
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.is_authenticated and hasattr(request.user, "artist_profile")


class IsArtistsOwnOrReadOnly(permissions.BasePermission):
    """Only the artist an object belongs to (``obj.artist``) changes it."""

    message = "Only the artist can change this."

    def has_object_permission(self, request, view, obj) -> bool:  # noqa: ANN001
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.is_authenticated and obj.artist.user_id == request.user.id
