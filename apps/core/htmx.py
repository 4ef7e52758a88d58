from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def template_for(request: HtmxHttpRequest, page: str, partial: str) -> str:
    """The whole page for a plain request, only the named region for an HTMX swap."""
    return f"{page}#{partial}" if request.htmx else page
