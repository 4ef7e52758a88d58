"""Requests that really overlap: each in its own thread and database connection, released together."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(calls: list[Callable[[], object]], *, errors_are_answers: bool = False) -> list:
    """Run the calls in threads released together; return what each answered.

    An exception in a thread fails the caller, unless ``errors_are_answers`` returns it in its place.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except BaseException as exc:  # reported by the main thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors_are_answers or not errors, errors
    return results
