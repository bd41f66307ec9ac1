"""Rate limits: counted in the shared cache, each window starting at its first attempt;
a limit counted by a worker blocks its key in every process until the window ends.

Every behaviour holds on both cache backends the project supports: Redis (the
suite's CACHE_URL, production) and the file cache of `make run`.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import caches

from northstar.ratelimit import allow, allow_or_block, block, blocked, recent_blocks
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


def test_the_count_is_kept_in_the_shared_cache_for_every_process_to_read(backend):
    assert allow("test", "203.0.113.9", 2, 60)
    # Another process's connection (a new one, with nothing in memory) sees that attempt.
    other_process_cache = caches.create_connection("default")
    key = "ratelimit:test:203.0.113.9"
    if backend == "redis":
        other_process_redis = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        assert other_process_redis.hget(other_process_cache.make_key(key), "count") == b"1"
        other_process_redis.close()
    else:
        assert other_process_cache.get(key)[0] == 1


def test_a_counter_left_in_another_shape_in_redis_starts_again_rather_than_failing():
    other_process_cache = caches.create_connection("default")
    stale = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    stale.set(other_process_cache.make_key("ratelimit:test:203.0.113.9"), "7")
    stale.close()

    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, True, False]


def test_counting_past_the_limit_away_from_the_request_blocks_the_key_everywhere(backend):
    assert [allow_or_block("sign", "key-a", 2, HOUR) for _ in range(3)] == [True, True, False]
    assert blocked("sign", "key-a")
    assert not blocked("sign", "key-b")
    assert not blocked("other-scope", "key-a")
    recent_blocks.clear()  # another process: nothing in memory, the shared list read afresh
    assert blocked("sign", "key-a")


def test_a_block_lasts_until_the_end_of_the_window_of_the_first_attempt(backend):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert allow_or_block("sign", "key-a", 1, HOUR)
        clock.shift(timedelta(minutes=30))
        assert not allow_or_block("sign", "key-a", 1, HOUR)
        clock.shift(timedelta(minutes=29))
        assert blocked("sign", "key-a")
        clock.shift(timedelta(minutes=2))
        assert not blocked("sign", "key-a")
        assert allow_or_block("sign", "key-a", 1, HOUR)


def test_a_block_reaches_other_processes_within_a_second(backend):
    assert not blocked("sign", "key-a")  # this process has read the (empty) list
    other_process_blocks = {"key-a": time.time() + 60}
    if backend == "redis":
        other = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        shared = caches.create_connection("default").make_key("ratelimit:blocked:sign")
        other.hset(shared, mapping={k: int(v * 1000) for k, v in other_process_blocks.items()})
        other.close()
    else:
        caches.create_connection("default").set("ratelimit:blocked:sign", other_process_blocks)
    wait_until(lambda: blocked("sign", "key-a"), timeout=3, message="the block read again")


def test_blocks_of_many_keys_are_kept_side_by_side_and_each_ends_on_its_own(backend):
    now = time.time()
    block("sign", "key-a", now + 60)
    block("sign", "key-b", now + 1)
    assert blocked("sign", "key-a") and blocked("sign", "key-b")
    wait_until(lambda: not blocked("sign", "key-b"), timeout=5, message="key-b's block over")
    assert blocked("sign", "key-a")
