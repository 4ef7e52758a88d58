"""Failed sign-ins slow down one address guessing one account, never the account's owner elsewhere."""

import pytest
import time_machine
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "target@example.com"
ATTACKER = "198.51.100.66"
OWNER = "203.0.113.5"
APP_LOGIN = "/_allauth/app/v1/auth/login"


@pytest.fixture
def target():
    return UserFactory(email=EMAIL)


def _app_sign_in(client, password: str, address: str):
    return client.post(
        APP_LOGIN,
        {"email": EMAIL, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def _web_sign_in(client, password: str, address: str):
    return client.post("/accounts/login/", {"login": EMAIL, "password": password}, REMOTE_ADDR=address)


def _fail_five_times(client, address: str = ATTACKER) -> None:
    for _ in range(5):
        assert _app_sign_in(client, "wrong", address).status_code == 400


def test_failures_from_one_address_do_not_stop_the_right_password_from_another(client, target):
    _fail_five_times(client)
    assert _app_sign_in(client, PASSWORD, OWNER).status_code == 200


def test_failures_from_one_address_do_not_stop_the_web_sign_in_from_another(client, target):
    _fail_five_times(client)
    response = _web_sign_in(client, PASSWORD, OWNER)
    assert response.status_code == 302


def test_the_sixth_attempt_from_the_same_address_waits_with_retry_after(client, target):
    with time_machine.travel(timezone.now(), tick=False):
        _fail_five_times(client)
        response = _app_sign_in(client, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "2"
    body = response.json()
    assert body["status"] == 429
    assert [error["code"] for error in body["errors"]] == ["too_many_login_attempts"]


def test_each_further_failure_doubles_the_wait(client, target):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail_five_times(client)
        waits = []
        for _ in range(4):
            refused = _app_sign_in(client, "wrong", ATTACKER)
            waits.append(int(refused["Retry-After"]))
            clock.shift(waits[-1])
            assert _app_sign_in(client, "wrong", ATTACKER).status_code == 400
    assert waits == [2, 4, 8, 16]


def test_the_wait_is_capped(client, target, settings):
    settings.SIGN_IN_MAX_WAIT_SECONDS = 5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail_five_times(client)
        for _ in range(4):
            clock.shift(60)
            _app_sign_in(client, "wrong", ATTACKER)
        assert _app_sign_in(client, "wrong", ATTACKER)["Retry-After"] == "5"


def test_once_the_wait_is_over_the_right_password_signs_in(client, target):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail_five_times(client)
        assert _app_sign_in(client, PASSWORD, ATTACKER).status_code == 429
        clock.shift(2)
        assert _app_sign_in(client, PASSWORD, ATTACKER).status_code == 200


def test_the_web_form_refuses_with_429_and_says_how_long_to_wait(client, target):
    with time_machine.travel(timezone.now(), tick=False):
        _fail_five_times(client)
        response = _web_sign_in(client, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "2"
    assert b"Try again in 2 seconds" in response.content


def test_many_accounts_guessed_from_one_address_slow_that_address_down(client, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        UserFactory(email=f"fan{n}@example.com")
        client.post(
            APP_LOGIN,
            {"email": f"fan{n}@example.com", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR=ATTACKER,
        )
    UserFactory(email="fan9@example.com")
    refused = client.post(
        APP_LOGIN,
        {"email": "fan9@example.com", "password": "wrong"},
        content_type="application/json",
        REMOTE_ADDR=ATTACKER,
    )
    assert refused.status_code == 429
