"""Rate limits: counted in the shared cache, each window starting at its first attempt,
which each process keeps to itself until the key's second attempt there.

Every behaviour holds on both cache backends the project supports: Redis (the
suite's CACHE_URL, production) and the file cache of `make run`.
"""

from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import caches

from northstar.ratelimit import FIRST_ATTEMPTS, FirstAttempts, allow
from tests.support.waiting import wait_until

HOUR = 3600


@pytest.fixture(params=["redis", "file"])
def backend(request, settings, tmp_path):
    """Each test runs on Redis (the suite's cache) and again on Django's file cache."""
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    return request.param


def test_attempts_past_the_limit_are_refused(backend):
    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, True, False]


def test_each_key_has_its_own_count(backend):
    assert allow("test", "203.0.113.9", 1, 60)
    assert allow("test", "203.0.113.10", 1, 60)


def test_a_limit_of_zero_means_no_limit(backend):
    assert all(allow("test", "203.0.113.9", 0, 60) for _ in range(5))


def test_the_count_starts_again_when_the_window_ends(backend):
    assert allow("test", "203.0.113.9", 1, 1)
    assert not allow("test", "203.0.113.9", 1, 1)
    wait_until(lambda: allow("test", "203.0.113.9", 1, 1), timeout=5, message="a new window")


def test_an_hourly_limit_still_refuses_after_six_quiet_minutes(backend):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert all(allow("sign", "203.0.113.9", 10, HOUR) for _ in range(10))
        clock.shift(timedelta(minutes=6))
        assert not allow("sign", "203.0.113.9", 10, HOUR)


def test_an_hourly_limit_allows_again_sixty_one_minutes_after_the_first_attempt(backend):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert all(allow("sign", "203.0.113.9", 10, HOUR) for _ in range(10))
        clock.shift(timedelta(minutes=6))
        assert not allow("sign", "203.0.113.9", 10, HOUR)
        clock.shift(timedelta(minutes=55))
        assert allow("sign", "203.0.113.9", 10, HOUR)


def test_attempts_in_a_window_keep_its_end_where_the_first_attempt_put_it(backend):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert allow("sign", "203.0.113.9", 2, HOUR)
        clock.shift(timedelta(minutes=50))
        assert allow("sign", "203.0.113.9", 2, HOUR)
        clock.shift(timedelta(minutes=11))  # 61 minutes after the first attempt
        assert [allow("sign", "203.0.113.9", 2, HOUR) for _ in range(3)] == [True, True, False]


def shared_count(backend, key):
    """The count another process reads for `key` (a new connection, nothing in memory)."""
    other_process_cache = caches.create_connection("default")
    if backend == "file":
        entry = other_process_cache.get(key)
        return None if entry is None else entry[0]
    other_process_redis = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    count = other_process_redis.hget(other_process_cache.make_key(key), "count")
    other_process_redis.close()
    return None if count is None else int(count)


def test_a_first_attempt_is_added_to_the_shared_count_with_the_second(backend):
    key = "ratelimit:test:203.0.113.9"
    assert allow("test", "203.0.113.9", 2, 60)
    assert shared_count(backend, key) is None  # a new address cost no round trip

    assert allow("test", "203.0.113.9", 2, 60)
    assert shared_count(backend, key) == 2

    assert not allow("test", "203.0.113.9", 2, 60)
    assert shared_count(backend, key) == 3


def test_a_key_seen_before_is_refused_every_time_once_past_the_limit(backend):
    assert [allow("test", "203.0.113.9", 3, 60) for _ in range(7)] == [True] * 3 + [False] * 4


def test_each_process_lets_at_most_one_attempt_past_the_shared_count(backend):
    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, True, False]

    FIRST_ATTEMPTS.clear()  # another web process: it has seen no attempt of this address
    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, False, False]
    assert shared_count(backend, "ratelimit:test:203.0.113.9") == 6


def test_the_shared_window_starts_at_the_first_attempt_a_process_remembered(backend):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert allow("sign", "203.0.113.9", 2, HOUR)  # 9:00, remembered here
        clock.shift(timedelta(minutes=59))
        assert allow("sign", "203.0.113.9", 2, HOUR)  # 9:59: both sent, in a window from 9:00
        clock.shift(timedelta(minutes=2))  # 10:01: that window has ended
        assert allow("sign", "203.0.113.9", 2, HOUR)
        # A window opened at 9:59 would still be open, and this its fourth attempt.
        assert allow("sign", "203.0.113.9", 2, HOUR)
        assert not allow("sign", "203.0.113.9", 2, HOUR)


def test_a_process_remembers_first_attempts_of_at_most_so_many_keys():
    first_attempts = FirstAttempts(max_keys=2)
    now = 1_000_000.0
    for key in ("a", "b", "c"):
        assert first_attempts.take(key, now, 60) is None  # each key's first attempt
    assert first_attempts.take("c", now, 60) == (2, now)  # remembered: both for the count
    assert first_attempts.take("a", now, 60) is None  # forgotten for "c", the newest


def test_a_counter_left_in_another_shape_in_redis_starts_again_rather_than_failing():
    other_process_cache = caches.create_connection("default")
    stale = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    stale.set(other_process_cache.make_key("ratelimit:test:203.0.113.9"), "7")
    stale.close()

    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, True, False]
