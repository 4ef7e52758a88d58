"""With SENTRY_DSN set, a server error reaches the error tracker as an envelope naming the
exception and the route, without cookies, credentials or email addresses; client errors and
a site without SENTRY_DSN send nothing."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from apps.core.error_reporting import init_error_reporting
from tests.core.test_settings import production_env, run_manage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "alice.fan@example.com"


class ReportedBroken(RuntimeError):
    pass


def broken(request: HttpRequest, show_id: int) -> HttpResponse:
    raise ReportedBroken(f"show {show_id} could not be drawn")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("broken/<int:show_id>/", broken),
    path("forbidden/", forbidden),
    path("", include("config.urls")),
]


class Envelopes:
    """A loopback stand-in for the error tracker: keeps every envelope posted to it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        envelopes = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                envelopes.received.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[dict]:
        found = []
        for _, _, body in self.received:
            lines = body.split(b"\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    def wait_for_events(self, count: int, timeout: float = 10) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.events()) < count and time.monotonic() < deadline:
            sentry_sdk.flush(timeout=1)
            time.sleep(0.05)
        return self.events()


@pytest.fixture
def envelopes() -> Iterator[Envelopes]:
    tracker = Envelopes()
    init_error_reporting(
        dsn=f"http://public@127.0.0.1:{tracker.port}/1",
        environment="test",
        release="encore@1.2.3",
        traces_sample_rate=0,
    )
    try:
        yield tracker
    finally:
        # The client is process-wide: later tests must not report anywhere.
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)
        tracker.server.shutdown()
        tracker.server.server_close()


def signed_in_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(email=EMAIL))
    return client


def serve(path: str, **headers: str) -> int:
    """One request through the WSGI application the web process runs, as a server hands it over."""
    environ = RequestFactory().get(path, **headers).environ
    statuses = []
    # The handler closes the connection after a request, as a server's would; here it is
    # the test's, inside its transaction (Django's test client does the same).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = get_wsgi_application()(environ, lambda status, _headers: statuses.append(status))
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0])


@pytest.mark.urls(__name__)
def test_a_server_error_arrives_with_its_exception_and_route(envelopes):
    session = signed_in_client().cookies[settings.SESSION_COOKIE_NAME].value
    status = serve(
        "/broken/7/?ref=share",
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken=not-for-the-tracker",
        HTTP_AUTHORIZATION="Bearer very-secret",
        HTTP_X_SESSION_TOKEN="app-secret",
    )
    assert status == 500
    [event] = envelopes.wait_for_events(1)
    path_, headers, body = envelopes.received[0]
    assert path_ == "/api/1/envelope/"
    assert "sentry_key=public" in headers.get("X-Sentry-Auth", "")
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ReportedBroken"
    assert event["transaction"] == "/broken/{show_id}/"
    assert event["request"]["url"] == "http://testserver/broken/7/"
    assert event["request"]["method"] == "GET"
    assert event["environment"] == "test"
    assert event["release"] == "encore@1.2.3"
    assert "email" not in event.get("user", {})
    raw = body.decode()
    assert session not in raw
    assert "not-for-the-tracker" not in raw
    assert "very-secret" not in raw
    assert "app-secret" not in raw
    assert EMAIL not in raw
    assert "@example.com" not in raw


@pytest.mark.urls(__name__)
def test_client_errors_are_not_reported(envelopes):
    client = signed_in_client()
    assert client.get("/forbidden/").status_code == 403
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/", HTTP_HOST="attacker.example").status_code == 400
    client.get("/broken/1/")  # a real error afterwards: everything before it has been sent
    events = envelopes.wait_for_events(1)
    assert [e["exception"]["values"][0]["type"] for e in events] == ["ReportedBroken"]


def test_a_failing_task_is_reported(envelopes):
    from config.celery import app

    @app.task(name="tests.error_reporting.boom")
    def boom() -> None:
        raise ReportedBroken("task went wrong")

    boom.apply(throw=False)
    [event] = envelopes.wait_for_events(1)
    assert event["exception"]["values"][0]["type"] == "ReportedBroken"
    assert event["exception"]["values"][0]["mechanism"]["type"] == "celery"


PRINT_SENTRY = (
    "import sentry_sdk; c = sentry_sdk.get_client(); "
    "print(c.is_active(), c.options['send_default_pii'] if c.is_active() else '-', "
    "sorted(i for i in getattr(c, 'integrations', {}) if i in {'django', 'celery', 'logging'}))"
)


@pytest.mark.slow
def test_without_sentry_dsn_nothing_is_initialised():
    result = run_manage("shell", "-v", "0", "-c", PRINT_SENTRY, **production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


@pytest.mark.slow
def test_with_sentry_dsn_production_reports_from_django_celery_and_logging():
    env = production_env(SENTRY_DSN="http://public@127.0.0.1:9/1", SENTRY_TRACES_SAMPLE_RATE="0")
    result = run_manage("shell", "-v", "0", "-c", PRINT_SENTRY, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True False ['celery', 'django', 'logging']"
