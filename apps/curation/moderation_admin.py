"""The admin side of moderation: a reason asked before every decision, and the item's history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import moderation
from .models import ModerationVerb

TITLES = {
    ModerationVerb.HIDE: "Hide",
    ModerationVerb.RESTORE: "Restore",
    ModerationVerb.DISMISS: "Dismiss the reports about",
    ModerationVerb.WARN: "Warn the owner of",
}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=moderation.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded with your name; the owner reads it when an item is hidden or they are warned.",
    )


def moderate_with_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset,  # noqa: ANN001
    *,
    verb: str,
    items: Callable[[Any], Iterable[Any]],
) -> TemplateResponse | None:
    """An admin action's body: first a page asking why, then the decision on each item."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    targets = list(items(queryset))
    if form.is_bound and form.is_valid():
        act, done = moderation.ACTIONS[verb], 0
        for item in targets:
            try:
                act(item, actor=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                modeladmin.message_user(
                    request, f"{item}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
        if done:
            label = ModerationVerb(verb).label.lower()
            modeladmin.message_user(request, f"{done} item{'s' if done != 1 else ''}: {label}.")
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{TITLES[verb]} {len(targets)} item{'s' if len(targets) != 1 else ''}",
        "opts": modeladmin.model._meta,
        "form": form,
        "targets": targets,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "verb": verb,
    }
    return TemplateResponse(request, "admin/curation/moderation_reason.html", context)


class ModerationHistoryMixin:
    """Adds the item's moderation log to its change page, newest first."""

    @admin.display(description="Moderation history")
    def moderation_history(self, item) -> str:  # noqa: ANN001
        if item is None or item.pk is None:
            return "—"
        rows = list(moderation.history(item))
        if not rows:
            return "No decisions yet."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                    row.get_verb_display(),
                    row.actor or "(removed user)",
                    row.reason,
                )
                for row in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>When</th><th>What</th><th>Who</th><th>Why</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )
