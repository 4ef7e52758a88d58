"""Curators' decisions on reported items: hide, restore, dismiss the reports, warn the owner.

Every decision is one ModerationAction (who, when, why), shown on the item in the admin.
Media keep their own hide and restore (fields, files, the uploader's notice) in
apps.media.services; this module adds the log around them, so neither is done twice.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from apps.accounts.models import ArtistProfile, NotificationKind, User
from apps.accounts.roles import is_curator
from apps.accounts.services import notify
from apps.media import services as media_services
from apps.media.models import MediaItem, ReportStatus
from apps.performances import events as performance_events
from apps.performances.models import Performance

from .models import ModerationAction, ModerationVerb

REASON_MAX = 500

Item = Performance | ArtistProfile | MediaItem


def _check_curator(actor: User | None) -> None:
    if actor is None or not (actor.is_superuser or is_curator(actor)):
        raise PermissionDenied("Only curators can moderate.")


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the owner and the other curators read it."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Use at most {REASON_MAX} characters."})
    return reason


def owner_of(item: Item) -> User:
    return item.user if isinstance(item, ArtistProfile) else item.artist.user


def noun_of(item: Item) -> str:
    if isinstance(item, ArtistProfile):
        return "artist profile"
    if isinstance(item, Performance):
        return "performance"
    return media_services.rule_for(item).noun


def history(item: Item) -> QuerySet[ModerationAction]:
    """Every decision taken on the item, newest first."""
    return ModerationAction.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).select_related("actor")


def _log(item: Item, verb: str, *, actor: User, reason: str) -> ModerationAction:
    return ModerationAction.objects.create(item=item, verb=verb, actor=actor, reason=reason)


def _tell_owner(item: Item, kind: str, text: str, actor: User) -> None:
    url = item.get_absolute_url()
    notify(
        owner_of(item),
        kind=kind,
        text=text[:200],
        url=url,
        actor=actor,
        data={"item": noun_of(item), "id": item.pk},
    )


def _active_performances(item: Performance | ArtistProfile) -> list[Performance]:
    """What the map shows of the item: its scheduled and live performances."""
    if isinstance(item, Performance):
        return [item] if not item.is_finished else []
    return list(Performance.objects.of_artist(item).active().filter(hidden=False).select_related("artist"))


def _set_hidden(item: Performance | ArtistProfile, hidden: bool) -> None:
    was_on_map = _active_performances(item) if hidden else []
    item.hidden = hidden
    item.save(update_fields=["hidden"])
    # The map and nearby forget a hidden performance at once, and show a restored one again.
    for performance in was_on_map:
        performance_events.performance_removed(performance.pk, performance_events.cells_of(performance))
    if not hidden:
        for performance in _active_performances(item):
            performance_events.performance_changed(performance, "performance.updated")


@transaction.atomic
def hide_item(item: Item, *, actor: User, reason: str) -> Item:
    """Take an item off every public page, list, map and API; its owner is told why."""
    _check_curator(actor)
    reason = _clean_reason(reason)
    if isinstance(item, MediaItem):
        if not item.hidden:
            media_services.hide_item(item, actor=actor, reason=reason)
            _log(item, ModerationVerb.HIDE, actor=actor, reason=reason)
        media_services.resolve_reports(item, actor=actor, status=ReportStatus.HIDDEN)
        return item
    if not item.hidden:
        _set_hidden(item, True)
        _log(item, ModerationVerb.HIDE, actor=actor, reason=reason)
        _tell_owner(
            item, NotificationKind.ITEM_HIDDEN, f"A curator hid your {noun_of(item)}: {reason}", actor
        )
    media_services.resolve_reports(item, actor=actor, status=ReportStatus.HIDDEN)
    return item


@transaction.atomic
def restore_item(item: Item, *, actor: User, reason: str) -> Item:
    """Put a hidden item back where it was; its owner is told."""
    _check_curator(actor)
    reason = _clean_reason(reason)
    if not item.hidden:
        return item
    if isinstance(item, MediaItem):
        media_services.restore_item(item, actor=actor)
    else:
        _set_hidden(item, False)
        _tell_owner(item, NotificationKind.ITEM_RESTORED, f"A curator restored your {noun_of(item)}.", actor)
    _log(item, ModerationVerb.RESTORE, actor=actor, reason=reason)
    return item


@transaction.atomic
def dismiss_reports(item: Item, *, actor: User, reason: str) -> int:
    """Nothing wrong found: the item's open reports are closed; returns how many."""
    _check_curator(actor)
    reason = _clean_reason(reason)
    closed = media_services.resolve_reports(item, actor=actor, status=ReportStatus.DISMISSED)
    _log(item, ModerationVerb.DISMISS, actor=actor, reason=reason)
    return closed


@transaction.atomic
def warn_owner(item: Item, *, actor: User, reason: str) -> Item:
    """The item stays up, its owner is told what to change; the open reports are closed."""
    _check_curator(actor)
    reason = _clean_reason(reason)
    media_services.resolve_reports(item, actor=actor, status=ReportStatus.WARNED)
    _log(item, ModerationVerb.WARN, actor=actor, reason=reason)
    _tell_owner(
        item,
        NotificationKind.OWNER_WARNED,
        f"A curator's warning about your {noun_of(item)}: {reason}",
        actor,
    )
    return item


ACTIONS = {
    ModerationVerb.HIDE: hide_item,
    ModerationVerb.RESTORE: restore_item,
    ModerationVerb.DISMISS: dismiss_reports,
    ModerationVerb.WARN: warn_owner,
}
