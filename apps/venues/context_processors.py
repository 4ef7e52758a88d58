from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Event, EventStatus

HEADER_EVENTS = 3


def staff_events(request: HttpRequest) -> dict:
    """The nights a venue's staff member runs next, for the header's links to their display."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "staff_events": SimpleLazyObject(
            lambda: list(
                Event.objects.filter(venue__staff=user)
                .exclude(status=EventStatus.ENDED)
                .select_related("venue")
                .order_by("status", "starts_at")  # active before draft[:HEADER_EVENTS]
            )
        )
    }
