"""Browser tests: Debian's Chromium driven by Playwright against the real ASGI app.

The app runs under uvicorn in a thread of the test process, so pages, the API and
WebSockets share the test database and the in-memory channel layer with the test.
Every request to anything but this machine is aborted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.app_server import AppServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def app_server(django_db_blocker) -> Iterator[AppServer]:
    with django_db_blocker.unblock():
        server = AppServer().start()
        yield server
        server.stop()


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM would refuse to run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _local_only(route) -> None:  # noqa: ANN001
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def open_page(browser, app_server, transactional_db):
    """Open a fresh browser (its own cookies) at a path; fails the test on any CSP or JS error.
    Keyword options go to the browser context (viewport, geolocation, permissions...)."""
    contexts, problems = [], []

    def make(path: str = "/", *, user=None, **options):  # noqa: ANN001, ANN003, ANN202
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(base_url=app_server.url, **options)
        context.route("**/*", _local_only)
        if user is not None:
            context.add_cookies([_session_cookie(user, app_server.url)])
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        contexts.append(context)
        page.goto(path)
        return page

    yield make
    for context in contexts:
        context.close()
    # The test's database is emptied next. What the pages started (a search, a socket's snapshot)
    # must have answered first: a query running during the truncate can deadlock with it.
    assert app_server.wait_idle(timeout=15), "the app was still answering 15 s after the pages closed"
    assert not problems, problems


def _session_cookie(user, base_url: str) -> dict:  # noqa: ANN001
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}


# The data migrations that make the curator and venue staff groups and grant them permissions.
ROLE_MIGRATIONS = [
    ("accounts", "0002_groups"),
    ("performances", "0003_curators_view_performances"),
    ("media", "0002_curators_moderate_media"),
    ("curation", "0002_curators_curate"),
    ("venues", "0002_venue_staff_run_events"),
]


def restore_roles() -> None:
    """Make the groups again if a transactional test's flush emptied them: they come from data
    migrations, which a flush does not replay. Runs those migrations' code on their own state."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    from apps.accounts.roles import CURATORS, VENUE_STAFF

    if Group.objects.filter(name__in=[CURATORS, VENUE_STAFF]).count() == 2:
        return
    loader = MigrationLoader(connection)
    for key in ROLE_MIGRATIONS:
        state = loader.project_state(key)
        for operation in loader.get_migration(*key).operations:
            if isinstance(operation, RunPython):
                operation.code(state.apps, None)


@pytest.fixture
def roles(transactional_db) -> None:
    restore_roles()
