"""Reports from the public and the curators' decisions: hide, restore, dismiss, warn.

Every decision is one ModerationAction (who, when, why), shown on the item in the admin.
The owners hide and restore their own items (apps.media, apps.performances); this module
checks who decides, records it, closes the reports and tells the owner.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import NotificationKind, User
from apps.accounts.roles import require_curator
from apps.accounts.services import notify
from apps.core.errors import Conflict

from .kinds import Item, kind_of
from .models import ModerationAction, ModerationVerb, Report, ReportReason, ReportStatus

NOTE_MAX = 500
REASON_MAX = 500


def _clean(value: str, field: str, *, limit: int, required: bool = False, why: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: why or "This field is required."})
    if len(value) > limit:
        raise ValidationError({field: f"Use at most {limit} characters."})
    return value


def _clean_reason(reason: str) -> str:
    return _clean(
        reason,
        "reason",
        limit=REASON_MAX,
        required=True,
        why="Say why: the owner and the other curators read it.",
    )


def report_item(item: Item, *, reporter: User, reason: str, note: str = "") -> Report:
    """Someone signed in reports an upload, a performance or an artist profile to the curators."""
    if reporter is None or not reporter.is_authenticated:
        raise PermissionDenied("Sign in to report.")
    if reason not in ReportReason.values:
        raise ValidationError({"reason": "Choose one of the reasons."})
    note = _clean(note, "note", limit=NOTE_MAX)
    if kind_of(item).owner_id(item) == reporter.pk:
        raise ValidationError({"non_field_errors": "You cannot report your own work."})
    try:
        with transaction.atomic():
            return Report.objects.create(item=item, reporter=reporter, reason=reason, note=note)
    except IntegrityError as exc:
        raise Conflict("You have already reported this.", code="already_reported") from exc


def resolve_reports(item: Item, *, actor: User, status: str) -> int:
    """Close the item's open reports with the curator's decision; returns how many."""
    return (
        Report.objects.about(item).open().update(status=status, resolved_at=timezone.now(), resolved_by=actor)
    )


def history(item: Item) -> QuerySet[ModerationAction]:
    """Every decision taken on the item, newest first."""
    return ModerationAction.objects.about(item).select_related("actor")


def _log(item: Item, verb: str, *, actor: User, reason: str) -> ModerationAction:
    return ModerationAction.objects.create(item=item, verb=verb, actor=actor, reason=reason)


def _tell_owner(item: Item, kind: str, text: str, actor: User) -> None:
    reportable = kind_of(item)
    notify(
        reportable.owner(item),
        kind=kind,
        text=text[:200],
        url=reportable.owner_url(item),
        actor=actor,
        data={"item": reportable.noun, "id": item.pk},
    )


@transaction.atomic
def hide_item(item: Item, *, actor: User, reason: str) -> Item:
    """Take an item off every public page, list, map and API; its owner is told why."""
    require_curator(actor, "Only curators can moderate.")
    reason = _clean_reason(reason)
    reportable = kind_of(item)
    if not item.hidden:
        reportable.hide(item, True, reason)
        _log(item, ModerationVerb.HIDE, actor=actor, reason=reason)
        _tell_owner(item, reportable.hidden_notice, f"A curator hid your {reportable.noun}: {reason}", actor)
    resolve_reports(item, actor=actor, status=ReportStatus.HIDDEN)
    return item


@transaction.atomic
def restore_item(item: Item, *, actor: User, reason: str) -> Item:
    """Put a hidden item back where it was; its owner is told."""
    require_curator(actor, "Only curators can moderate.")
    reason = _clean_reason(reason)
    if not item.hidden:
        return item
    reportable = kind_of(item)
    reportable.hide(item, False, "")
    _tell_owner(item, reportable.restored_notice, f"A curator restored your {reportable.noun}.", actor)
    _log(item, ModerationVerb.RESTORE, actor=actor, reason=reason)
    return item


@transaction.atomic
def dismiss_reports(item: Item, *, actor: User, reason: str) -> int:
    """Nothing wrong found: the item's open reports are closed; returns how many."""
    require_curator(actor, "Only curators can moderate.")
    reason = _clean_reason(reason)
    closed = resolve_reports(item, actor=actor, status=ReportStatus.DISMISSED)
    _log(item, ModerationVerb.DISMISS, actor=actor, reason=reason)
    return closed


@transaction.atomic
def warn_owner(item: Item, *, actor: User, reason: str) -> Item:
    """The item stays up, its owner is told what to change; the open reports are closed."""
    require_curator(actor, "Only curators can moderate.")
    reason = _clean_reason(reason)
    resolve_reports(item, actor=actor, status=ReportStatus.WARNED)
    _log(item, ModerationVerb.WARN, actor=actor, reason=reason)
    noun = kind_of(item).noun
    _tell_owner(
        item, NotificationKind.OWNER_WARNED, f"A curator's warning about your {noun}: {reason}", actor
    )
    return item


ACTIONS = {
    ModerationVerb.HIDE: hide_item,
    ModerationVerb.RESTORE: restore_item,
    ModerationVerb.DISMISS: dismiss_reports,
    ModerationVerb.WARN: warn_owner,
}


def forget_item(item: Item) -> int:
    """An item was deleted: its reports go with it (its decisions stay in the log)."""
    deleted, _ = Report.objects.about(item).delete()
    return deleted
