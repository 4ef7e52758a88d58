"""API throttling: one limit per caller, by kind of user, in one cache round trip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.core import outage
from apps.core.clients import client_address
from apps.core.ratelimit import hit_reading

if TYPE_CHECKING:  # DRF imports this module while it builds APIView
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ApiRateThrottle(SimpleRateThrottle):
    """Signed-in users by account at the `user` rate, everyone else by address at `anon`.

    Replaces DRF's AnonRateThrottle + UserRateThrottle, which together cost four Redis
    round trips and a pickled log of timestamps per request.
    """

    wait_seconds: float | None = None

    def __init__(self) -> None:
        # The scope, and so the rate, is known only per request; DRF's rate parser is kept.
        pass

    def allow_request(self, request: Request, view: APIView) -> bool:
        return self.allow_request_reading(request, ())[0]

    def allow_request_reading(self, request: Request, names: Sequence[str]) -> tuple[bool, list[Any]]:
        """allow_request(), and the cache's values at `names` (None for a missing one), read
        in the same round trip to Redis as the limit's own (a miss while it is away)."""
        user = request.user
        if user is not None and user.is_authenticated:
            scope, ident = "user", f"u{user.pk}"
        else:
            scope, ident = "anon", client_address(request)
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            found = cache.get_many(names) if names else {}
            return True, [found.get(name) for name in names]
        limit, window = self.parse_rate(rate)
        try:
            self.wait_seconds, values = hit_reading(f"api:{scope}:{ident}", limit, window, names)
        except outage.Unavailable:
            # Fail open: this limit shares capacity fairly, it protects no rule. Refusing every
            # API request while Redis is down would take the apps down for it; the actions
            # whose safety needs a limit (sign-in, votes) keep theirs and answer 503 instead.
            self.wait_seconds, values = None, [None] * len(names)
        return self.wait_seconds is None, values

    def wait(self) -> float | None:
        return self.wait_seconds
