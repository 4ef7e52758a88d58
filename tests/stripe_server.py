"""A Stripe for tests: localstripe on loopback, with the SDK and dj-stripe pointed at it.

In a conftest or test module::

    from tests.stripe_server import localstripe_server, stripe_local, stripe_sdk  # noqa: F401

``localstripe_server`` (session scope, so once per xdist worker) serves localstripe on a
free port of 127.0.0.1. ``stripe_sdk`` (per test) empties it and points the ``stripe``
SDK at it with a test key: enough for calls that need no database. ``stripe_local`` (per
test) adds the Django side: test keys in settings, the rows dj-stripe would otherwise
fetch from Stripe, and localstripe delivering its webhooks to ``live_server``.

Webhooks arrive about a second after the event, over HTTP, so tests that use them need
``transactional_db`` (which ``stripe_local`` requests) and a call to
``stripe_local.wait_for_webhooks()`` before looking at the database: on SQLite the live
server shares the test's connection, and reading while it writes fails with "database
table is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import stripe

from apps.tips.localstripe import (
    LocalStripe,
    configure_stripe_sdk,
    register_webhook,
    reset_data,
    seed_djstripe,
    start_localstripe,
)

SECRET_KEY = "sk_test_encorelocalstripe0123456789"
PUBLISHABLE_KEY = "pk_test_encorelocalstripe0123456789"
WEBHOOK_SECRET = "whsec_encorelocalstripe0123456789"


@dataclass
class StripeLocal:
    server: LocalStripe
    secret_key: str
    webhook_secret: str
    webhook_url: str

    @property
    def url(self) -> str:
        return self.server.url

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """Return once every webhook of the events so far has been answered by the site."""
        self.server.wait_for_webhooks(timeout)


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[LocalStripe]:
    server = start_localstripe()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def stripe_sdk(localstripe_server: LocalStripe, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStripe]:
    localstripe_server.drop_webhooks()
    reset_data(localstripe_server.url)
    # The SDK's HTTP client would honour a proxy from the environment, even for loopback.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(stripe, "api_key", SECRET_KEY)
    restore_sdk = configure_stripe_sdk(localstripe_server.url)
    try:
        yield localstripe_server
    finally:
        restore_sdk()
        localstripe_server.drop_webhooks()


@pytest.fixture
def stripe_local(
    stripe_sdk: LocalStripe,
    live_server: Any,
    transactional_db: None,
    settings: Any,
) -> Iterator[StripeLocal]:
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.DJSTRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    webhook_url = seed_djstripe(
        secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, site_url=live_server.url
    )
    register_webhook(stripe_sdk.url, webhook_url, WEBHOOK_SECRET)
    try:
        yield StripeLocal(stripe_sdk, SECRET_KEY, WEBHOOK_SECRET, webhook_url)
    finally:
        # Deliveries still on their way would land in the next test's database.
        stripe_sdk.wait_for_webhooks()
        stripe_sdk.forget_webhooks()
