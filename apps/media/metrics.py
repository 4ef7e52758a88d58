"""Items stuck in processing, counted when Prometheus scrapes rather than kept as state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.core.metrics import SCRAPED

from .models import Clip, Story, Track

NAME = "encore_media_stuck_in_processing"
HELP = "Items still processing longer than MEDIA_STUCK_AFTER_MINUTES, by kind"
logger = structlog.get_logger(__name__)


class StuckInProcessing(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Registering calls describe, not collect: no query while the apps load.
        yield GaugeMetricFamily(NAME, HELP, labels=["kind"])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(NAME, HELP, labels=["kind"])
        cutoff = timezone.now() - timedelta(minutes=settings.MEDIA_STUCK_AFTER_MINUTES)
        try:
            for model in (Clip, Story, Track):
                family.add_metric([model._meta.model_name], model.objects.stuck_in_processing(cutoff).count())
        except DatabaseError:
            # The rest of the scrape still answers while the database is away.
            logger.warning("metrics_media_stuck_unavailable")
            return
        yield family


# Registered once, on the module's first import (MediaConfig.ready); counted by the process
# that answers the scrape, not added up over every process.
SCRAPED.register(StuckInProcessing())
