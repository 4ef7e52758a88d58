"""Encore's own Prometheus metrics, and the /metrics endpoint that serves them with
django-prometheus's request, database and cache metrics.

Metrics are registered once, at import, in prometheus_client's default registry. Apps above
core register their own from their ``metrics`` module; core names none of them. Collectors
that query when scraped (items stuck in processing) go in ``SCRAPED`` instead: they answer
once per scrape, from the process that serves it.

In production each Procfile process (gunicorn's workers, uvicorn's, Celery's pool children)
keeps its values in files, prometheus_client's multiprocess mode: PROMETHEUS_MULTIPROC_DIR is
one folder per process type under METRICS_DIR, and /metrics adds up every file under it, so
one scrape of the web process also reports the worker's tasks and the ws process's sockets.
"""

from __future__ import annotations

import glob
import hmac
import ipaddress
import os
import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from .clients import client_address

LIVE_UPDATES_SENT = Counter("encore_live_updates_sent", "Live updates sent to the channel layer", ["type"])
LIVE_UPDATES_NOT_SENT = Counter(
    "encore_live_updates_not_sent", "Live updates that failed to reach the channel layer", ["type"]
)
# Summed over the processes alive (multiprocess mode); a dead process's sockets are closed.
SOCKETS_TOLD_TO_RESYNC = Counter(
    "encore_sockets_told_to_resync", "Sockets whose outgoing buffer filled, told to take a fresh snapshot"
)
OPEN_SOCKETS = Gauge("encore_open_sockets", "WebSockets open", ["kind"], multiprocess_mode="livesum")
TASK_DURATION = Histogram("encore_celery_task_duration_seconds", "Time Celery tasks took to run", ["task"])
TASK_FAILURES = Counter("encore_celery_task_failures", "Celery tasks that raised", ["task"])

SCRAPED = CollectorRegistry()

_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+?_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ProcessFiles:
    """Every process's values under METRICS_DIR, added up as prometheus_client's own collector does."""

    def __init__(self, root: str) -> None:
        self.root = root

    def collect(self) -> Iterable[Metric]:
        files = glob.glob(os.path.join(self.root, "**", "*.db"), recursive=True)
        # A process that died (a restarted worker) leaves its live gauges behind; nothing else
        # removes them, as Procfile servers have no hook for a worker's exit.
        for path in files:
            found = _LIVE_GAUGE_FILE.search(os.path.basename(path))
            if found and not _alive(int(found.group(1))):
                mark_process_dead(int(found.group(1)), path=str(Path(path).parent))
        return MultiProcessCollector.merge([path for path in files if os.path.exists(path)], accumulate=True)


class _Scrape:
    def __init__(self, *collectors: object) -> None:
        self.collectors = collectors

    def collect(self) -> Iterable[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def exposition() -> bytes:
    """The text Prometheus reads: every process's values, then what is counted at scrape time."""
    values = ProcessFiles(settings.METRICS_DIR) if settings.METRICS_DIR else REGISTRY
    return generate_latest(_Scrape(values, SCRAPED))


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
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
