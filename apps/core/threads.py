"""Objects that own a background thread, one per process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class OwnsThread(Protocol):
    thread: threading.Thread


T = TypeVar("T", bound=OwnsThread)


class PerProcess(Generic[T]):
    """Makes the object on first use, and again in a forked child (gunicorn, Celery),
    which inherits the object but not its thread."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._instance: T | None = None

    def get(self) -> T:
        with self._lock:
            if self._instance is None or not self._instance.thread.is_alive():
                self._instance = self._factory()
            return self._instance
