import pytest
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_limit(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)
    statuses = [
        api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_one_load_balancer_the_client_is_the_last_forwarded_address(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/min", raising=False)
    monkeypatch.setattr(api_settings, "NUM_PROXIES", 1)
    first = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.1")
    other_client = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.2")
    same_client = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.1")
    assert (first.status_code, other_client.status_code, same_client.status_code) == (200, 200, 429)
