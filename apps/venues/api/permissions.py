from rest_framework import permissions

from .. import services


class IsVenueStaff(permissions.BasePermission):
    """Running an event is for its venue's staff.

    The views look events up among the caller's venues, so another venue's staff get 404
    and never learn which ids exist; the object check is the second lock on the door.
    """

    message = "Only the venue's staff can run its events."

    def has_permission(self, request, view) -> bool:  # noqa: ANN001
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:  # noqa: ANN001
        return services.is_staff_of(obj, request.user)
