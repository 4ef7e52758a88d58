"""The report form, for any page that shows something reportable."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..kinds import kind_of
from ..models import ReportReason

register = template.Library()


@register.inclusion_tag("moderation/partials/report_form.html", takes_context=True)
def report_form(context: template.Context, item: Any, summary: str = "", several: bool = False) -> dict:
    """``{% report_form item %}``; ``several=True`` where items of one kind share a page."""
    reportable = kind_of(item)
    user = context.get("user")
    key = getattr(item, reportable.lookup)
    return {
        "user": user,
        "noun": reportable.noun if reportable.kind != "artist" else "profile",
        "summary": summary,
        "report_item_id": item.pk if several else None,
        "report_url": reverse("report", args=[reportable.kind, key]),
        "report_reasons": ReportReason.choices,
        "is_owner": bool(user and user.is_authenticated and reportable.owner_id(item) == user.pk),
        "csrf_token": context.get("csrf_token"),
    }
