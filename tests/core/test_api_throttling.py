import pytest
from django.core.cache import cache
from redis.exceptions import ResponseError

from apps.core.counters import redis_client, round_trip
from apps.core.ratelimit import hit, hit_reading
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(anon: str = "120/min", user: str = "600/min") -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
        }

    return set_rates


def test_anonymous_callers_are_throttled_with_retry_after(api, rates):
    rates(anon="3/min")
    statuses = [api.get("/api/v1/genres/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/genres/")
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "throttled"


def test_signed_in_users_have_their_own_larger_allowance(api_as, rates):
    rates(anon="1/min", user="5/min")
    client = api_as(UserFactory())
    statuses = [client.get("/api/v1/genres/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_refused_requests_do_not_count_against_the_caller():
    start = 1_000_000 * 60.0
    assert [hit("t", 2, 60, now=start + n) for n in range(2)] == [None, None]
    assert all(hit("t", 2, 60, now=start + 2 + n) is not None for n in range(5))
    # The next window starts with two requests in the previous one: half of them still
    # count 30 s in, so one more fits and the next does not.
    assert hit("t", 2, 60, now=start + 90) is None
    assert hit("t", 2, 60, now=start + 90) is not None


def test_the_limit_slides_instead_of_resetting_at_the_minute():
    start = 1_000_000 * 60.0
    for n in range(10):
        assert hit("s", 10, 60, now=start + 50 + n * 0.1) is None
    # A new fixed window began, but the last minute already holds ten requests.
    wait = hit("s", 10, 60, now=start + 61)
    assert wait is not None and 1 <= wait <= 60


def test_a_request_counted_with_reads_is_limited_as_one_counted_alone_and_gets_the_values():
    start = 1_000_000 * 60.0
    cache.set("answer", ("versions", b"body"))
    cache.set("counter", 7)

    answers = [hit_reading("r", 2, 60, ["answer", "counter", "missing"], now=start + n) for n in range(3)]

    assert [wait for wait, _ in answers][:2] == [None, None]
    assert answers[2][0] is not None
    assert all(values == [("versions", b"body"), 7, None] for _, values in answers)
    # The refused one did not count: the same as hit() alone.
    assert hit("r", 2, 60, now=start + 3) is not None


@pytest.mark.redis
def test_an_error_reply_in_a_round_trip_leaves_no_reply_behind_for_the_next_caller():
    redis = redis_client()
    cache.set("text", "not a number")
    made = cache.make_key("text")

    with pytest.raises(ResponseError):
        round_trip(redis, ("INCR", made), ("GET", made))

    assert round_trip(redis, ("EXISTS", made), ("STRLEN", made)) == [1, len(redis.get(made))]
