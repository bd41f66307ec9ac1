"""Rate limits: counted in the shared cache, each window starting at its first attempt."""

from django.core.cache import cache

from northstar.ratelimit import allow
from tests.support.waiting import wait_until


def test_attempts_past_the_limit_are_refused():
    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, True, False]


def test_each_key_has_its_own_count():
    assert allow("test", "203.0.113.9", 1, 60)
    assert allow("test", "203.0.113.10", 1, 60)


def test_a_limit_of_zero_means_no_limit():
    assert all(allow("test", "203.0.113.9", 0, 60) for _ in range(5))


def test_the_count_starts_again_when_the_window_ends():
    assert allow("test", "203.0.113.9", 1, 1)
    assert not allow("test", "203.0.113.9", 1, 1)
    wait_until(lambda: allow("test", "203.0.113.9", 1, 1), timeout=5, message="a new window")


def test_the_count_is_kept_in_the_shared_cache_for_every_process_to_read():
    assert allow("test", "203.0.113.9", 5, 60)
    assert cache.get("ratelimit:test:203.0.113.9") == 1
