from rest_framework import permissions


class IsUploaderOrReadOnly(permissions.BasePermission):
    message = "Only the artist can change their media."

    def has_object_permission(self, request, view, obj) -> bool:  # noqa: ANN001
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.is_authenticated and obj.artist.user_id == request.user.id


class IsArtist(permissions.BasePermission):
    message = "Create your artist profile first."

    def has_permission(self, request, view) -> bool:  # noqa: ANN001
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.is_authenticated and hasattr(request.user, "artist_profile")
