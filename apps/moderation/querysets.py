from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .choices import ReportStatus


class _AboutItem(models.QuerySet):
    def about(self, item):  # noqa: ANN001, ANN201
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)


class ReportQuerySet(_AboutItem):
    def open(self) -> ReportQuerySet:
        return self.filter(status=ReportStatus.OPEN)


class ModerationActionQuerySet(_AboutItem):
    pass
