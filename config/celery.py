import os
import time

from celery import Celery, Task
from celery.signals import task_failure, task_postrun, task_prerun

from apps.core.metrics import TASK_DURATION, TASK_FAILURES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("encore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Task durations and failures for /metrics (apps.core.metrics), timed per task id.
_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id: str, **kwargs: object) -> None:
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id: str, task: Task, **kwargs: object) -> None:
    started = _started.pop(task_id, None)
    if started is not None:
        TASK_DURATION.labels(task=task.name).observe(time.monotonic() - started)


@task_failure.connect
def _task_failed(sender: Task, **kwargs: object) -> None:
    TASK_FAILURES.labels(task=sender.name).inc()
