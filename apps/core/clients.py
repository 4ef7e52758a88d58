"""Who is asking: the client's address, as far as the load balancers in front can vouch."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address.

    Behind TRUSTED_PROXY_COUNT load balancers it is that many entries from the end of
    X-Forwarded-For (the entries before them are whatever the client wrote); with none
    the header is ignored and the socket's peer is the client. Same rule as DRF's
    NUM_PROXIES, so rate limits and logs agree.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        entries = [part.strip() for part in forwarded.split(",")]
        return entries[-min(proxies, len(entries))] or remote
    return remote
