"""X-Forwarded-For is believed only from a load balancer whose address is configured."""

import pytest
from django.test import RequestFactory

from apps.core.clients import client_address

pytestmark = pytest.mark.django_db


def _address(forwarded: str | None, peer: str) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **extra))


def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert _address("198.51.100.7", peer="203.0.113.9") == "203.0.113.9"


def test_a_forwarded_for_header_from_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert _address("198.51.100.7", peer="10.0.0.1") == "198.51.100.7"


def test_the_client_is_the_right_most_address_no_trusted_proxy_vouches_for(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client wrote the first entry itself; the second proxy added what it saw.
    assert _address("192.0.2.66, 198.51.100.7, 10.0.0.2", peer="10.0.0.1") == "198.51.100.7"


def test_loopback_is_the_only_trusted_proxy_by_default(settings):
    from config.settings import base

    assert base.TRUSTED_PROXIES == ["127.0.0.1", "::1"]


def test_a_garbled_entry_falls_back_to_the_proxy_that_passed_it_on(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert _address("not-an-address", peer="10.0.0.1") == "10.0.0.1"


def test_a_client_reaching_the_server_directly_cannot_escape_the_anonymous_limit(api, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "600/min"},
    }
    statuses = [
        api.get(
            "/api/v1/genres/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
