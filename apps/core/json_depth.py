"""JSON bodies nested past a sane depth are refused before any parser reads them.

Python's JSON parsers (DRF's, and allauth's own ``json.loads`` in its headless views)
recurse once per level: 2 KB of ``[[[[…]]]]`` ends in a RecursionError and a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

# Encore's bodies nest a few levels (a performance's stops: an object, a list, objects);
# 64 leaves any real client plenty of room and keeps the parsers, which recurse
# once per level, far below Python's recursion limit (1,000) wherever they are called from.
MAX_JSON_DEPTH = 64

# A JSON string: quotes around anything but a quote or a backslash, or a backslash and the
# character it escapes. One left open runs to the end of the body, as a parser would read
# it; so a match never fails and retries from a later quote, which would take quadratic time.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_OPENERS = b"[{"
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
# Per bracket, how it moves the depth: an opener one level in, a closer one out.
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deep a JSON text nests: the most brackets open at once outside strings, at
    least as deep as a parser would go before it finished or failed."""
    # Strings out, then everything but brackets: both in C, whatever the size.
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets), initial=0))


def is_too_deep(body: bytes) -> bool:
    # Most bodies have too few brackets to nest that deep at all: a count in C settles them.
    if sum(body.count(opener) for opener in _OPENERS) <= MAX_JSON_DEPTH:
        return False
    return json_depth(body) > MAX_JSON_DEPTH


def _reads_json(request: HttpRequest, view_func: Callable[..., Any]) -> bool:
    media_type = request.content_type or ""
    if media_type == "application/json" or media_type.endswith("+json"):
        return True
    # allauth's headless views parse every body as JSON, whatever its Content-Type.
    return request.method != "GET" and getattr(view_func, "__module__", "").startswith("allauth.headless.")


class JsonDepthMiddleware:
    """Refuses a JSON body nested deeper than MAX_JSON_DEPTH with a 400 in the API's error
    shape, before a view or its parser reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        # In process_view, once the view is known; no middleware before it reads the body.
        if not _reads_json(request, view_func):
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            # Left for the view, which refuses it as it always has; nothing was read.
            return None
        return _too_deep() if is_too_deep(body) else None


def _too_deep() -> JsonResponse:
    message = f"The request body is JSON nested deeper than {MAX_JSON_DEPTH} levels."
    return JsonResponse(
        {"detail": message, "code": "too_deep", "errors": {"body": [message]}},
        status=400,
    )
