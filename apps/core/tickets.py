"""One-time tickets that let an app open a WebSocket without cookies or long-lived tokens.

An app asks for a ticket over the authenticated API and opens ``/ws/app/...?ticket=...``
within 30 seconds; the ticket works once. Tickets live only in the cache, with that
timeout, so an unused one expires by itself: no sweep is needed.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from . import outage

TICKET_SECONDS = 30
ANONYMOUS = "anonymous"


def _key(ticket: str) -> str:
    return f"ws-ticket:{ticket}"


def issue_ticket(user) -> str:  # noqa: ANN001
    ticket = secrets.token_urlsafe(24)
    owner = user.pk if user is not None and user.is_authenticated else ANONYMOUS
    cache.set(_key(ticket), owner, timeout=TICKET_SECONDS)
    return ticket


def redeem_ticket(ticket: str):  # noqa: ANN201
    """The ticket's user (or AnonymousUser), or None when it is unknown, expired or used."""
    if not ticket or len(ticket) > 64:
        return None
    # Without Redis no ticket can be checked: the socket is told to try again (not refused).
    with outage.requires_redis():
        owner = cache.get(_key(ticket))
        # Only the caller whose delete removed the key may use it: a ticket works once.
        if owner is None or not cache.delete(_key(ticket)):
            return None
    if owner == ANONYMOUS:
        return AnonymousUser()
    return get_user_model().objects.filter(pk=owner, is_active=True).first()
