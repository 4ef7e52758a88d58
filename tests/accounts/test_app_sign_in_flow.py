"""An app signs up, verifies, calls the API and logs out with a session token: no cookies."""

import re

import pytest
import requests
from django.core import mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_app_signs_up_verifies_calls_me_and_logs_out_over_http(live_server):
    http = requests.Session()
    base = live_server.url
    auth = f"{base}/_allauth/app/v1/auth"

    signup = http.post(f"{auth}/signup", json={"email": "app@example.com", "password": "sturdy-pass-9182"})
    assert signup.status_code == 401
    body = signup.json()
    pending = [flow["id"] for flow in body["data"]["flows"] if flow.get("is_pending")]
    assert pending == ["verify_email"]
    token = body["meta"]["session_token"]

    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    verified = http.post(f"{auth}/email/verify", json={"key": code}, headers={"X-Session-Token": token})
    assert verified.status_code == 200, verified.text
    token = verified.json()["meta"].get("session_token", token)

    me = http.get(f"{base}/api/v1/me/", headers={"X-Session-Token": token})
    assert me.status_code == 200
    assert me.json()["email"] == "app@example.com"
    assert not http.cookies, "the app flow must not depend on cookies"

    logout = http.delete(f"{auth}/session", headers={"X-Session-Token": token})
    assert logout.status_code == 401
    assert http.get(f"{base}/api/v1/me/", headers={"X-Session-Token": token}).status_code == 401


def test_app_logs_in_with_email_and_password(live_server):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="known@example.com")
    response = requests.post(
        f"{live_server.url}/_allauth/app/v1/auth/login",
        json={"email": "known@example.com", "password": PASSWORD},
        timeout=10,
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    me = requests.get(f"{live_server.url}/api/v1/me/", headers={"X-Session-Token": token}, timeout=10)
    assert me.json()["email"] == "known@example.com"
