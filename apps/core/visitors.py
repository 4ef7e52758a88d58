import hashlib

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from apps.core.clients import client_address


def visitor_key(request: HttpRequest) -> str:
    """Who is looking, for counting: the user, or an anonymous hash that changes daily.

    The hash mixes the secret key and the date so it cannot be turned back into an address.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    raw = "|".join(
        [
            settings.SECRET_KEY,
            timezone.now().date().isoformat(),
            client_address(request),
            request.headers.get("User-Agent", "")[:200],
        ]
    )
    return "a:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
