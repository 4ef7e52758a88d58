"""Writes an app sends many times a minute, answered without DRF, in DRF's words.

A vote at a busy night and a performer's position every few seconds cost more in DRF's
machinery and the ORM's statement building than in the work itself. Their lean paths take the
common case (a session token, a valid JSON body, an object the caller may change) and hand
everything else to DRF, which answers as every endpoint does. All they hand over they hand over
before counting the request against the API's limit, so each request counts once; what the
work itself refuses is answered with the API's own exception handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from apps.core.api.authentication import SessionTokenAuthentication
from apps.core.api.exceptions import exception_handler
from apps.core.api.throttling import ApiRateThrottle


def json_body(request: HttpRequest, *, unless_header: str = "") -> dict[str, Any] | None:
    """The JSON object an app's request carries with its session token, or None (hand over)."""
    if "HTTP_X_SESSION_TOKEN" not in request.META or request.content_type != "application/json":
        return None
    if unless_header and unless_header in request.META:
        return None
    try:
        data = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def app_user(request: HttpRequest):  # noqa: ANN201 - a User, or None (hand over)
    """The signed-in user of the request's session token."""
    signed_in = SessionTokenAuthentication().authenticate(request)
    return signed_in[0] if signed_in is not None else None


def answer(
    request: HttpRequest,
    user,  # noqa: ANN001
    work: Callable[[], HttpResponse],
    *,
    allow: str,
) -> HttpResponse | None:
    """`work()`'s answer for `user`, once the request is counted against the API's limit; None
    for a caller over it (DRF refuses it, without counting it again)."""
    request.user = user
    if not ApiRateThrottle().allow_request(request, None):
        return None
    try:
        response = work()
    except Exception as exc:
        refusal = exception_handler(exc, {"request": Request(request), "view": None})
        if refusal is None:
            raise
        refusal.accepted_renderer, refusal.accepted_media_type = JSONRenderer(), "application/json"
        refusal.renderer_context = {}
        response = refusal.render()
    response["Allow"] = allow
    return response


def whole_number(value: object, low: int, high: int) -> int | None:
    """An integer DRF's IntegerField would take as it is (not a bool, not a string)."""
    return value if type(value) is int and low <= value <= high else None


def real_number(value: object, low: float, high: float) -> float | None:
    """A number DRF's FloatField would take as it is (an int or a float, not a bool)."""
    if type(value) not in (int, float) or not low <= value <= high:
        return None
    return float(value)
