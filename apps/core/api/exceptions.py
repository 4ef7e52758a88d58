"""Every API error is JSON that names the field and the reason.

Shape: ``{"detail": "...", "code": "...", "errors": {"field": ["reason", ...]}}``;
errors that concern the request as a whole use the key ``non_field_errors``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core import outage
from apps.core.errors import Conflict, RateLimited


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in msgs]
            for field, msgs in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _too_large() -> Response:
    # Django raises this as a SuspiciousOperation and answers an HTML 400; the client sent
    # nothing wrong but too much, so it is told the limit.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than the {limit:,} bytes this API accepts."
    return Response(
        {"detail": message, "code": "too_large", "errors": {"body": [message]}},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return _too_large()
    if (request := context.get("request")) is not None and (
        unavailable := outage.response_for(request._request, exc)
    ) is not None:
        return unavailable
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    elif isinstance(exc, Conflict):
        return Response(
            {"detail": exc.message, "code": exc.code, "errors": {exc.field: [exc.message]}},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, RateLimited):
        return Response(
            {"detail": exc.message, "code": exc.code, "errors": {}},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after)},
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": "Some fields are not valid.",
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {
            "detail": str(response.data["detail"]),
            "code": getattr(response.data["detail"], "code", "error"),
            "errors": {},
        }
    return response
