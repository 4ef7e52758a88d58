"""Wrong passwords sent all at once are held to the same limit as one after another: only the
free tries reach the password check, the rest wait with 429 and Retry-After."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from tests.concurrency import at_once
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EMAIL = "target@example.com"
ATTACKER = "198.51.100.66"
APP_LOGIN = "/_allauth/app/v1/auth/login"


@pytest.fixture
def checked_passwords(monkeypatch) -> list[str]:
    """Each password checked (once per backend), as slowly as a real hasher, so requests overlap."""
    checked: list[str] = []
    lock = threading.Lock()
    original = User.check_password

    def slow_check(user: User, raw_password: str) -> bool:
        with lock:
            checked.append(raw_password)
        time.sleep(0.2)
        return original(user, raw_password)

    monkeypatch.setattr(User, "check_password", slow_check)
    return checked


def guess(password: str) -> Callable[[], object]:
    client = Client()
    # Middleware is built here, one client at a time: django-prometheus registers its
    # metrics on the first build, which is not safe from many threads at once.
    client.handler.load_middleware()

    def post() -> object:
        return client.post(
            APP_LOGIN,
            {"email": EMAIL, "password": password},
            content_type="application/json",
            REMOTE_ADDR=ATTACKER,
        )

    return post


def test_twenty_wrong_passwords_at_once_check_no_more_than_the_free_tries(settings, checked_passwords):
    UserFactory(email=EMAIL)
    limit = settings.SIGN_IN_FAILURES_PER_ACCOUNT
    responses = at_once([guess(f"wrong-{n}") for n in range(20)])
    statuses = Counter(response.status_code for response in responses)
    # Each backend checks the password once per attempt: count attempts, not checks.
    attempts = len(set(checked_passwords))
    assert attempts <= limit
    assert statuses == {400: attempts, 429: 20 - attempts}
    assert all(int(r["Retry-After"]) >= 1 for r in responses if r.status_code == 429)


def test_after_a_burst_the_wait_still_doubles_from_two_seconds(settings, checked_passwords):
    UserFactory(email=EMAIL)
    at_once([guess(f"wrong-{n}") for n in range(20)])
    refused = guess("wrong-again")()
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 2
