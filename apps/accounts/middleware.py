"""A sign-in refused for too many failures answers 429 with Retry-After, not a 200 page."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from .adapters import RETRY_AFTER_ATTRIBUTE


def sign_in_wait_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    # The form page is rendered by allauth's view, which knows nothing of the wait; the
    # adapter leaves it on the request (the JSON API answers 429 by itself).
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        wait = getattr(request, RETRY_AFTER_ATTRIBUTE, None)
        if wait is not None:
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
            response["Retry-After"] = str(wait)
        return response

    return middleware
