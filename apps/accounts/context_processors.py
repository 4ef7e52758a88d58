from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .events import unread_count
from .roles import CURATORS, VENUE_STAFF


def _roles(user) -> dict:  # noqa: ANN001
    groups = set(user.groups.values_list("name", flat=True))
    return {
        "artist": hasattr(user, "artist_profile"),
        "curator": user.is_superuser or CURATORS in groups,
        "venue_staff": VENUE_STAFF in groups,
        "admin": user.is_staff,
    }


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The header groups its menu by these; read only when a page draws the header.
    return {
        "unread_count": unread_count(user),
        "roles": SimpleLazyObject(lambda: _roles(user)),
    }
