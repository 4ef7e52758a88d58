"""Headers that keep a person's answers to that person and the browser's powers to the site."""

from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Answers here are data for one caller (an app's, or the auth API's): never stored anywhere.
_API_PREFIXES = ("/api/", "/_allauth/")

# Powers the site never asks for are refused outright, so an injected script or a framed
# page cannot ask either. The map and position sharing read the position on the site itself.
_REFUSED = (
    "accelerometer",
    "bluetooth",
    "camera",
    "display-capture",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "serial",
    "usb",
)


@cache
def permissions_policy(stripe_js_url: str) -> str:
    """The policy, with payment open to Stripe.js's own frames (card fields, 3-D Secure)."""
    parts = urlsplit(stripe_js_url)
    payment = f'(self "{parts.scheme}://{parts.netloc}")' if parts.scheme and parts.netloc else "(self)"
    directives = ["geolocation=(self)", f"payment={payment}", *(f"{name}=()" for name in _REFUSED)]
    return ", ".join(directives)


def _signed_in(request: HttpRequest) -> bool:
    # DRF puts the user its token authentication found on the request it wraps, so after
    # the view this is the caller, however they signed in. Static files never get a user.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivacyHeadersMiddleware:
    """Adds Permissions-Policy everywhere, and Cache-Control: private to signed-in answers.

    A Cache-Control the view chose is left alone; anonymous answers keep theirs, so a shared
    cache may still hold public reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(settings.STRIPE_JS_URL)
        if "Cache-Control" not in response and _signed_in(request):
            # Pages may still be kept by the browser itself (back and forward stay instant).
            api = request.path_info.startswith(_API_PREFIXES)
            response["Cache-Control"] = "private, no-store" if api else "private"
        return response
