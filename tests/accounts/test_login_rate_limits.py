import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_repeated_failed_web_logins_are_rate_limited(client):
    UserFactory(email="target@example.com")
    pages = [
        client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong"}).content
        for _ in range(7)
    ]
    assert b"Too many failed sign-ins" not in pages[0]
    assert b"Too many failed sign-ins" in pages[-1]
    # From the same address even the right password waits while the limit holds.
    from tests.factories import PASSWORD

    page = client.post("/accounts/login/", {"login": "target@example.com", "password": PASSWORD}).content
    assert b"Too many failed sign-ins" in page


def test_repeated_failed_app_logins_are_rate_limited(client):
    UserFactory(email="target@example.com")
    codes = [
        [
            error["code"]
            for error in client.post(
                "/_allauth/app/v1/auth/login",
                {"email": "target@example.com", "password": "wrong"},
                content_type="application/json",
            ).json()["errors"]
        ]
        for _ in range(7)
    ]
    assert "too_many_login_attempts" not in codes[0]
    assert "too_many_login_attempts" in codes[-1]


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
