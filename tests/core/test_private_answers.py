"""Answers meant for one signed-in person are never kept by a shared cache."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def session_token(client: Client, email: str) -> str:
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def cache_control(response) -> list[str]:  # noqa: ANN001
    return [part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()]


def test_a_signed_in_api_answer_is_private_and_not_stored(client_as, alice):
    response = client_as(alice).get("/api/v1/me/")
    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert "no-store" in cache_control(response)


def test_an_api_answer_to_a_session_token_is_private_and_not_stored(client, alice):
    token = session_token(Client(), alice.email)
    response = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert "no-store" in cache_control(response)


def test_a_public_list_read_by_a_signed_in_user_is_private(client_as, alice):
    response = client_as(alice).get("/api/v1/genres/")
    assert response.status_code == 200
    assert "private" in cache_control(response)


def test_the_answer_that_hands_out_a_session_token_is_not_stored(client, alice):
    answer = {"email": alice.email, "password": PASSWORD}
    response = client.post("/_allauth/app/v1/auth/login", answer, content_type="application/json")
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_the_signed_in_session_answer_of_the_auth_api_is_private(client, alice):
    token = session_token(Client(), alice.email)
    response = client.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert "private" in cache_control(response)


def test_an_anonymous_api_answer_is_not_made_private(client):
    response = client.get("/api/v1/genres/")
    assert response.status_code == 200
    assert "private" not in cache_control(response)
    assert "no-store" not in cache_control(response)


def test_an_anonymous_page_is_not_made_private(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "private" not in cache_control(response)


def test_a_page_for_a_signed_in_user_is_private(client_as, alice):
    response = client_as(alice).get("/")
    assert response.status_code == 200
    assert "private" in cache_control(response)


def test_a_cache_control_the_view_chose_is_kept(client_as, alice):
    # The health check sets its own (never_cache); nothing is added to it.
    response = client_as(alice).get("/healthz")
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
