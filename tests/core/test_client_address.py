import pytest
from django.test import RequestFactory

from apps.core.clients import client_address

pytestmark = pytest.mark.django_db

BALANCER = "10.0.0.1"


@pytest.fixture
def strict_anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "600/min"},
    }


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_limit(api, settings, strict_anon_rate):
    settings.TRUSTED_PROXIES = []
    statuses = [
        api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_one_load_balancer_the_client_is_the_last_forwarded_address(api, settings, strict_anon_rate):
    settings.TRUSTED_PROXIES = [BALANCER]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "600/min"},
    }
    via = {"REMOTE_ADDR": BALANCER}
    first = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.1", **via)
    other_client = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.2", **via)
    same_client = api.get("/api/v1/genres/", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.1", **via)
    assert (first.status_code, other_client.status_code, same_client.status_code) == (200, 200, 429)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        ([], "203.0.113.7", BALANCER),
        ([BALANCER], "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ([BALANCER, "10.0.0.9"], "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (["10.0.0.0/8"], "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        ([BALANCER], "10.0.0.1", BALANCER),
        ([BALANCER], None, BALANCER),
        (["192.0.2.1"], "203.0.113.7", BALANCER),
    ],
)
def test_the_client_address_trusts_only_the_configured_load_balancers(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, **extra)
    assert client_address(request) == expected
