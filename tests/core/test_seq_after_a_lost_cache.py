"""Live messages stay in order for clients after the cache that numbers them is lost.

Each group's messages are numbered by a counter in the cache. When Redis restarts empty (or
is flushed, fails over, or evicts the key) the counter starts again; it must start above every
number it gave before, so a client that saw them counts a gap and asks for a fresh snapshot,
instead of dropping every new message as one it already has.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from apps.core import realtime
from tests.private_servers import PrivateRedis, private_redis


def test_a_counter_lost_with_the_cache_starts_again_above_every_number_it_gave():
    numbers = [realtime.next_seq("test-group") for _ in range(3)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3

    cache.clear()

    assert realtime.next_seq("test-group") > numbers[-1]


def test_a_snapshot_after_a_lost_cache_carries_the_number_the_next_message_follows():
    last = realtime.next_seq("snapshot-group")
    cache.clear()

    snapshot = realtime.current_seq("snapshot-group")

    # Above what clients saw (they resync), and the next message is no gap after it.
    assert snapshot > last
    assert realtime.next_seq("snapshot-group") == snapshot + 1


def test_a_groups_first_message_follows_its_first_snapshot():
    snapshot = realtime.current_seqs(["fresh-a", "fresh-b"])
    assert realtime.next_seq("fresh-a") == snapshot["fresh-a"] + 1
    assert realtime.next_seq("fresh-b") == snapshot["fresh-b"] + 1


def test_a_counter_evicted_between_creating_and_adding_still_goes_up(monkeypatch):
    first = realtime.next_seq("evicted-group")
    cache.clear()

    def incr_after_eviction(key, delta=1, version=None):  # noqa: ANN001, ANN202
        cache.delete(key, version=version)
        raise ValueError(f"Key '{key}' not found")

    monkeypatch.setattr(cache, "incr", incr_after_eviction)

    assert realtime.next_seq("evicted-group") > first


def test_numbers_stay_exact_for_a_browser():
    # Clients compare them as JavaScript numbers: below 2**53 they are exact.
    assert realtime.next_seq("js-group") < 2**53


# --- against a real Redis, restarted empty --------------------------------------------------


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.mark.slow
def test_after_redis_restarts_empty_the_next_number_is_above_the_last(redis_server):
    redis_cache = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    # override_settings gives the cache handler the new setting (Django's setting_changed).
    with override_settings(CACHES=redis_cache):
        try:
            before = [realtime.next_seq("event:1") for _ in range(25)]

            redis_server.stop()
            redis_server.start()  # empty

            # The first use may meet the closed connection; the client reconnects.
            deadline = time.monotonic() + 5
            while True:
                try:
                    after = realtime.next_seq("event:1")
                    break
                except Exception:  # noqa: BLE001 - the old connection, once
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
        finally:
            caches.close_all()
    assert after > before[-1], (before[-1], after)
