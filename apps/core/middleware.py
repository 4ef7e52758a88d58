import re
import uuid
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

# An upstream id is kept only when it is short and plain, so it cannot inject into logs.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id, logged with each line and returned as X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        upstream = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = upstream if _SAFE_ID.match(upstream) else uuid.uuid4().hex
        request.META["HTTP_X_REQUEST_ID"] = request_id
        request.request_id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy text built once.

    django-csp rebuilds the header from the settings on every response, which was a sixth
    of the cost of a small API request. Responses that used a nonce or carry a per-view
    policy (its decorators) still go through django-csp unchanged.
    """

    _PER_VIEW = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )
    _SETTINGS = (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self._built: dict[str, tuple[object, str]] = {}

    def _site_policy(self, setting: str, report_only: bool) -> tuple[str, tuple[str, ...]]:
        config = getattr(settings, setting, None)
        built = self._built.get(setting)
        if built is None or built[0] is not config:
            # Keyed on the settings object itself, so overridden settings rebuild it.
            built = (config, build_policy(report_only=report_only))
            self._built[setting] = built
        prefixes = tuple((config or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        return built[1], prefixes

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in self._PER_VIEW
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, setting, report_only in self._SETTINGS:
            policy, excluded = self._site_policy(setting, report_only)
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
