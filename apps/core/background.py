"""Starting background work: a Celery task, or on the embedded default a thread of this process.

Without a broker (no REDIS_URL) tasks run eagerly. For slow work such as video processing
that would hold the upload's request until it finished, so there the task runs on one
background thread instead: the page answers at once and shows the item processing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import structlog
from django.conf import settings
from django.db import close_old_connections
from kombu.exceptions import OperationalError as BrokerError

logger = structlog.get_logger(__name__)
_executor: ThreadPoolExecutor | None = None


def start(task: Any, *args: Any) -> None:
    """Queue ``task`` with ``args``; call it from ``transaction.on_commit``."""
    global _executor
    if not (settings.CELERY_TASK_ALWAYS_EAGER and settings.BACKGROUND_THREAD):
        try:
            task.delay(*args)
        except BrokerError:
            # The broker (Redis) is down and the write that started this is committed: the
            # request must not fail for it. Work never started is picked up by its sweep
            # (media: requeue_stuck_media) once the broker is back.
            logger.warning("background_task_not_queued", task=task.name, exc_info=True)
        return
    if _executor is None:
        # One thread: background work queues up rather than competing with the pages.
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encore-background")
    _executor.submit(_run, task, args)


def _run(task: Any, args: tuple) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("background_task_failed", task=task.name)
    finally:
        close_old_connections()


def drain() -> None:
    """Wait for background work started so far (a command that exits must not cut it short)."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=True)
        _executor = None
