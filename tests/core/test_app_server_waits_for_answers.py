"""The app server under browser tests: it says it is idle only once every request has answered.

A browser test's database is emptied when the test ends. A search or a socket's snapshot the page
started just before then must be answered first: a query still running while the tables are
truncated can deadlock with the truncate, and a write landing after it leaks into the next test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.request import urlopen

import pytest
from django.http import HttpResponse
from django.urls import path

from tests.app_server import AppServer

started, release, answered = threading.Event(), threading.Event(), threading.Event()


def held(request):  # noqa: ANN001, ANN201
    started.set()
    release.wait(timeout=10)
    answered.set()
    return HttpResponse("late")


urlpatterns = [path("held/", held)]


@pytest.fixture
def server(settings) -> Iterator[AppServer]:  # noqa: ANN001
    settings.ROOT_URLCONF = __name__
    for event in (started, release, answered):
        event.clear()
    app = AppServer().start()
    yield app
    release.set()
    app.stop()


def ask(server: AppServer) -> threading.Thread:
    client = threading.Thread(target=lambda: urlopen(f"{server.url}/held/", timeout=10).read(), daemon=True)
    client.start()
    assert started.wait(timeout=10)
    return client


def test_the_app_server_is_idle_only_once_a_request_in_flight_has_answered(server):  # noqa: ANN001
    ask(server)
    threading.Timer(0.3, release.set).start()
    assert server.wait_idle(timeout=10) is True
    assert answered.is_set()


def test_the_app_server_is_not_idle_while_a_request_is_still_running(server):  # noqa: ANN001
    client = ask(server)
    assert server.wait_idle(timeout=0.3) is False
    assert not answered.is_set()
    release.set()
    client.join(timeout=10)
    assert server.wait_idle(timeout=10) is True


def test_an_app_server_with_nothing_to_answer_is_idle(server):  # noqa: ANN001
    assert server.wait_idle(timeout=10) is True
