"""Asking before an action that cannot be undone, with or without JavaScript.

The button posts to the action's own URL; without ``confirm=yes`` the view answers with
a page that asks, whose form posts again with it. Pages with HTMX may ask in the browser
(``hx-confirm``) and send ``confirm=yes`` at once (``hx-vals``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "yes"


def ask_first(
    request: HttpRequest,
    *,
    question: str,
    detail: str,
    button: str,
    cancel_url: str,
    ends_sharing: bool = False,
) -> HttpResponse:
    """The question page; its form posts back to this URL, confirmed."""
    context = {
        "question": question,
        "detail": detail,
        "button": button,
        "action": request.path,
        "cancel_url": cancel_url,
        # Confirming the end of a live performance stops sharing its position (share_position.js).
        "ends_sharing": ends_sharing,
    }
    return render(request, "core/confirm.html", context)
