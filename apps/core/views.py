from __future__ import annotations

import asyncio
import mimetypes
import os
import stat
import sys
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils._os import safe_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from apps.core import outage, realtime
from apps.core.ranges import ranged_file_response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    # The cache answers as a miss while Redis is down; here that must show.
    with outage.requires_redis():
        cache.set(key, "1", timeout=5)
        if cache.get(key) != "1":
            raise RuntimeError("value written was not read back")
        cache.delete(key)


def _check_channel_layer() -> None:
    layer = get_channel_layer()

    async def roundtrip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "readyz.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "readyz.ping":
            raise RuntimeError("message sent was not received")

    async def within_a_timeout() -> None:
        # A layer whose subscription was lost would wait for the message forever.
        await asyncio.wait_for(roundtrip(), READINESS_TIMEOUT_SECONDS)

    async_to_sync(within_a_timeout)()


def _check_broker() -> None:
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


READINESS_TIMEOUT_SECONDS = 3

READINESS_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "broker": _check_broker,
}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            cause = outage.dependency_of(exc)
            # "down: redis unreachable (ConnectionError)": which server, and how it failed.
            results[name] = (
                f"down: {cause} unreachable ({type(exc).__name__})"
                if cause
                else (f"down: {type(exc).__name__}")
            )
    down = sorted(name for name, state in results.items() if state != "ok")
    body = {
        "status": "down" if down else "ok",
        "checks": results,
        "down": down,
        # Counted by this process since it started; a failed send does not make it unready.
        "live_updates_not_sent": realtime.failed_sends(),
    }
    return JsonResponse(body, status=503 if down else 200)


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
        handle = open(full_path, "rb")  # noqa: SIM115 - the response closes it
    except (OSError, ValueError, SuspiciousFileOperation) as exc:
        raise Http404("No such file") from exc
    info = os.fstat(handle.fileno())
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise Http404("No such file")
    content_type, encoding = mimetypes.guess_type(full_path)
    # A compressed file (.gz) is served as it is stored: naming its inner type would make
    # browsers expect the uncompressed bytes.
    if encoding or not content_type:
        content_type = "application/octet-stream"
    return ranged_file_response(
        request,
        handle,
        size=info.st_size,
        content_type=content_type,
        filename=os.path.basename(full_path),
        last_modified=info.st_mtime,
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON under /api/ (apps parse it), the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found.", "code": "not_found", "errors": {}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # An outage raised outside a view (a session saved by its middleware, say) is still a 503.
    if (unavailable := outage.response_for(request, sys.exc_info()[1])) is not None:
        return unavailable
    if _is_api(request):
        body = {"detail": "Something went wrong on our side.", "code": "server_error", "errors": {}}
        return JsonResponse(body, status=500)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
