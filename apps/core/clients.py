"""Who is asking: the client's address, as far as the load balancers in front can vouch."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _within(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(ip in network for network in networks)


@lru_cache(maxsize=256)
def _trusted_peer(address: str, proxies: tuple[str, ...]) -> bool:
    """Whether the socket's peer is a trusted proxy: a few load balancers' addresses, asked
    about on every request."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return _within(ip, _networks(proxies))


def client_address(request: HttpRequest) -> str:
    """The client's IP address, worked out once per request (the log, the rate limits and
    the views all ask).

    X-Forwarded-For is read only when the socket's peer is one of TRUSTED_PROXIES: then
    the client is its right-most entry that is not itself a trusted proxy (anything left
    of that the client may have written). Otherwise the peer is the client, whatever the
    header says, so a client reaching the server directly cannot pick its own address.
    """
    known = getattr(request, "_client_address", None)
    if known is None:
        known = request._client_address = _client_address(request)
    return known


def _client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = tuple(settings.TRUSTED_PROXIES)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not forwarded or not _trusted_peer(remote, proxies):
        return remote
    networks = _networks(proxies)
    vouched_by = remote
    for entry in reversed([part.strip() for part in forwarded.split(",")]):
        try:
            ip = ipaddress.ip_address(entry)
        except ValueError:
            # A trusted proxy passed on something that is not an address: believe only it.
            return vouched_by
        if not _within(ip, networks):
            return entry
        vouched_by = entry
    # Every hop is a trusted proxy: the left-most one is as close to the client as we get.
    return vouched_by
