from __future__ import annotations

from datetime import datetime

from django.db import models


def _is_everywhere(user) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.is_superuser)


class VenueQuerySet(models.QuerySet):
    def for_staff(self, user) -> VenueQuerySet:  # noqa: ANN001
        """The venues this person works at (superusers: all); nobody else's."""
        if _is_everywhere(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(staff=user)


class EventQuerySet(models.QuerySet):
    def for_staff(self, user) -> EventQuerySet:  # noqa: ANN001
        if _is_everywhere(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(venue__staff=user)

    def public(self) -> EventQuerySet:
        """What guests can open: events once they are active, and their history after."""
        return self.exclude(status="draft")

    def active(self) -> EventQuerySet:
        return self.filter(status="active")

    def due_to_open(self, now: datetime) -> EventQuerySet:
        """Drafts set to open by themselves whose hours have begun and not yet ended."""
        return self.filter(
            status="draft", opens_automatically=True, starts_at__lte=now, ends_at__gt=now
        ).order_by("starts_at", "id")

    def due_to_close(self, now: datetime) -> EventQuerySet:
        return self.active().filter(ends_at__lte=now).order_by("ends_at", "id")


class QueueEntryQuerySet(models.QuerySet):
    def queued(self) -> QueueEntryQuerySet:
        # Most votes first; among equal counts the entry that got there first; then id.
        return self.filter(status="queued").order_by("-votes", "reached_at", "id")

    def playing(self) -> QueueEntryQuerySet:
        return self.filter(status="playing")

    def history(self) -> QueueEntryQuerySet:
        return self.filter(status__in=["played", "skipped"]).order_by("-finished_at", "-id")
