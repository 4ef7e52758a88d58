"""What can be reported, and how moderation reaches each kind's owner app.

Each owner keeps its own ``hidden`` field and its own service that hides and restores
(and sends its own events); moderation only calls them, and adds the reports, the log
and the notices around them. A new reportable kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from apps.accounts.models import ArtistProfile, NotificationKind, User
from apps.media import services as media_services
from apps.media.models import Clip, MediaItem, Story, Track
from apps.performances import services as performance_services
from apps.performances.models import Performance


@dataclass(frozen=True)
class Reportable:
    kind: str
    model: type[Model]
    noun: str
    lookup: str
    hide: Callable[[Any, bool, str], Any]
    owner: Callable[[Any], User]
    owner_id: Callable[[Any], int]
    owner_url: Callable[[Any], str]
    hidden_notice: str
    restored_notice: str
    # The admin's report search: fields of the item to match the search words against.
    search_fields: tuple[str, ...]

    def public(self) -> QuerySet:
        """What anyone may see and report on the site."""
        return self.model.objects.public()

    def visible_to(self, user: User) -> QuerySet:
        """What this user may see, and so report, through the API."""
        return self.model.objects.visible_to(user)


def _hide_media(item: MediaItem, hidden: bool, reason: str) -> MediaItem:
    return media_services.set_hidden(item, hidden, reason=reason)


def _hide_performance(item: Performance, hidden: bool, reason: str) -> Performance:
    return performance_services.set_hidden(item, hidden)


def _hide_artist(item: ArtistProfile, hidden: bool, reason: str) -> ArtistProfile:
    return performance_services.set_artist_hidden(item, hidden)


def _media(kind: str, model: type[MediaItem], search: tuple[str, ...]) -> Reportable:
    return Reportable(
        kind=kind,
        model=model,
        noun=kind,
        lookup="pk",
        hide=_hide_media,
        owner=lambda item: item.artist.user,
        owner_id=lambda item: item.artist.user_id,
        # Uploaders manage their media on their dashboard, where a hidden item says why.
        owner_url=lambda item: reverse("media-dashboard"),
        hidden_notice=NotificationKind.MEDIA_HIDDEN,
        restored_notice=NotificationKind.MEDIA_RESTORED,
        search_fields=(*search, "artist__stage_name"),
    )


KINDS: dict[str, Reportable] = {
    "clip": _media("clip", Clip, ("title",)),
    "story": _media("story", Story, ()),
    "track": _media("track", Track, ("title",)),
    "performance": Reportable(
        kind="performance",
        model=Performance,
        noun="performance",
        lookup="pk",
        hide=_hide_performance,
        owner=lambda item: item.artist.user,
        owner_id=lambda item: item.artist.user_id,
        owner_url=lambda item: item.get_absolute_url(),
        hidden_notice=NotificationKind.ITEM_HIDDEN,
        restored_notice=NotificationKind.ITEM_RESTORED,
        search_fields=("title", "artist__stage_name"),
    ),
    "artist": Reportable(
        kind="artist",
        model=ArtistProfile,
        noun="artist profile",
        lookup="slug",
        hide=_hide_artist,
        owner=lambda item: item.user,
        owner_id=lambda item: item.user_id,
        owner_url=lambda item: item.get_absolute_url(),
        hidden_notice=NotificationKind.ITEM_HIDDEN,
        restored_notice=NotificationKind.ITEM_RESTORED,
        search_fields=("stage_name",),
    ),
}

Item = MediaItem | Performance | ArtistProfile


def kind_of(item: Item) -> Reportable:
    for reportable in KINDS.values():
        if isinstance(item, reportable.model):
            return reportable
    raise TypeError(f"{type(item).__name__} cannot be reported")
