"""Reports from the public, and the curators' decisions on the reported items."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .choices import ModerationVerb, ReportReason, ReportStatus
from .querysets import ModerationActionQuerySet, ReportQuerySet

__all__ = ["ModerationAction", "ModerationVerb", "Report", "ReportReason", "ReportStatus"]


class Report(models.Model):
    """Someone signed in thinks an item should not be on Encore; curators decide."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        limit_choices_to=models.Q(app_label="media", model__in=["clip", "story", "track"])
        | models.Q(app_label="performances", model="performance")
        | models.Q(app_label="accounts", model="artistprofile"),
    )
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.TextField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"], name="report_once_per_item"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="report_item")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.content_type.model} {self.object_id}"


class ModerationAction(models.Model):
    """Who did what to which item, when and why; shown on the item in the admin."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    verb = models.CharField(max_length=12, choices=ModerationVerb.choices)
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="moderation_by_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} by {self.actor} on {self.created_at:%Y-%m-%d}: {self.reason}"
