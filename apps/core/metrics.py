"""Encore's own Prometheus metrics, and the /metrics endpoint that serves them with
django-prometheus's request metrics.

Metrics are registered once, at import, in prometheus_client's default registry. Apps above
core register their own from their ``metrics`` module; core names none of them.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

from .clients import client_address

LIVE_UPDATES_SENT = Counter("encore_live_updates_sent", "Live updates sent to the channel layer", ["type"])
LIVE_UPDATES_NOT_SENT = Counter(
    "encore_live_updates_not_sent", "Live updates that failed to reach the channel layer", ["type"]
)
OPEN_SOCKETS = Gauge("encore_open_sockets", "WebSockets open in this process", ["kind"])
TASK_DURATION = Histogram("encore_celery_task_duration_seconds", "Time Celery tasks took to run", ["task"])
TASK_FAILURES = Counter("encore_celery_task_failures", "Celery tasks that raised", ["task"])


def _allowed_address(request: HttpRequest) -> bool:
    try:
        ip = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    networks = (ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_ADDRESSES)
    return any(ip in network for network in networks)


def _has_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    # Not found rather than forbidden: the endpoint does not admit to being there.
    if not (_allowed_address(request) or _has_token(request)):
        raise Http404
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
