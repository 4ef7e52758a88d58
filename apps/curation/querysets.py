from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone


class CollectionQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> CollectionQuerySet:
        """Published and inside its window now."""
        now = now or timezone.now()
        return self.filter(
            Q(publish_from__isnull=True) | Q(publish_from__lte=now),
            Q(publish_until__isnull=True) | Q(publish_until__gt=now),
            status="published",
        )


class FeatureQuerySet(models.QuerySet):
    def live(self, now: datetime | None = None) -> FeatureQuerySet:
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now)

    def overlapping(self, slot: str, starts_at: datetime, ends_at: datetime) -> FeatureQuerySet:
        return self.filter(slot=slot, starts_at__lt=ends_at, ends_at__gt=starts_at)
