import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_callers_are_throttled_with_retry_after(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/min", raising=False)
    statuses = [api.get("/api/v1/genres/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/genres/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_signed_in_users_have_their_own_larger_allowance(api_as, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/min", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "5/min", raising=False)
    client = api_as(UserFactory())
    statuses = [client.get("/api/v1/genres/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
