"""A real Celery worker for tests, over the test Redis broker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

from config.celery import app


@pytest.fixture
def worker(settings) -> Iterator[None]:  # noqa: ANN001
    # Set and restore by hand: patching Celery's config through fixtures fails at teardown.
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = saved


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            # SQLite's shared in-memory test database locks a table while the worker writes.
            pass
        time.sleep(0.1)
    return False
