from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from apps.accounts.roles import CURATORS, VENUE_STAFF
from tests import network_guard
from tests.factories import ArtistProfileFactory, UserFactory

# The local Stripe stand-in: one per test process, whichever directories a run collects.
from tests.stripe_server import localstripe_server, stripe_local, stripe_sdk  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    network_guard.install()


@pytest.fixture(autouse=True)
def _loopback_only():
    before = len(network_guard.violations)
    yield
    new = network_guard.violations[before:]
    if new:
        pytest.fail("The test reached beyond loopback: " + "; ".join(new))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = connection.vendor == "postgresql"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI does)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and sequence numbers live in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def quiet_refusals():
    """For modules whose tests expect refusals: their log lines (each with a traceback,
    about a second apiece) are noise there."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@dataclass
class Personas:
    """alice owns things, bob is another user, charlie curates, dave staffs a venue."""

    owner: object
    other: object
    curator: object
    venue_staff: object


@pytest.fixture
def personas(db) -> Personas:
    alice = UserFactory(email="alice@example.com", display_name="Alice")
    ArtistProfileFactory(user=alice, stage_name="Alice Strings", slug="alice-strings")
    bob = UserFactory(email="bob@example.com", display_name="Bob")
    ArtistProfileFactory(user=bob, stage_name="Bob Drums", slug="bob-drums")
    charlie = UserFactory(email="charlie@example.com", display_name="Charlie", group=CURATORS)
    dave = UserFactory(email="dave@example.com", display_name="Dave", group=VENUE_STAFF)
    return Personas(owner=alice, other=bob, curator=charlie, venue_staff=dave)


@pytest.fixture
def alice(personas: Personas):
    return personas.owner


@pytest.fixture
def bob(personas: Personas):
    return personas.other


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    def make(user) -> APIClient:  # noqa: ANN001
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def client_as(client):
    def make(user):  # noqa: ANN001, ANN202
        if user is not None:
            client.force_login(user)
        return client

    return make
