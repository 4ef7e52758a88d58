"""An object that owns a thread is made once per process, and again when its thread is gone."""

import threading

from apps.core.threads import PerProcess


class Worker:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.stop.wait, daemon=True)
        self.thread.start()


def test_every_caller_in_a_process_gets_the_same_object():
    workers = PerProcess(Worker)
    first = workers.get()
    assert workers.get() is first
    first.stop.set()


def test_an_object_whose_thread_is_gone_is_made_afresh_as_after_a_fork():
    workers = PerProcess(Worker)
    first = workers.get()
    first.stop.set()
    first.thread.join(timeout=2)
    second = workers.get()
    assert second is not first
    assert second.thread.is_alive()
    second.stop.set()
