"""Rate limits: counted in the database, each window starting at its first attempt."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from northstar.models import RateLimitWindow
from northstar.ratelimit import Attempt, allow, count_attempt, delete_ended_windows
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db

HOUR = 3600


def test_attempts_past_the_limit_are_refused():
    assert [allow("test", "203.0.113.9", 2, 60) for _ in range(3)] == [True, True, False]


def test_each_key_has_its_own_count():
    assert allow("test", "203.0.113.9", 1, 60)
    assert allow("test", "203.0.113.10", 1, 60)


def test_each_scope_has_its_own_count():
    assert allow("sign", "203.0.113.9", 1, 60)
    assert allow("donate", "203.0.113.9", 1, 60)


def test_a_limit_of_zero_means_no_limit_and_counts_nothing():
    assert all(allow("test", "203.0.113.9", 0, 60) for _ in range(5))
    assert not RateLimitWindow.objects.exists()


def test_the_count_starts_again_when_the_window_ends():
    assert allow("test", "203.0.113.9", 1, 1)
    assert not allow("test", "203.0.113.9", 1, 1)
    wait_until(lambda: allow("test", "203.0.113.9", 1, 1), timeout=5, message="a new window")


def test_an_hourly_limit_still_refuses_after_six_quiet_minutes():
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert all(allow("sign", "203.0.113.9", 10, HOUR) for _ in range(10))
        clock.shift(timedelta(minutes=6))
        assert not allow("sign", "203.0.113.9", 10, HOUR)


def test_an_hourly_limit_allows_again_sixty_one_minutes_after_the_first_attempt():
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert all(allow("sign", "203.0.113.9", 10, HOUR) for _ in range(10))
        clock.shift(timedelta(minutes=6))
        assert not allow("sign", "203.0.113.9", 10, HOUR)
        clock.shift(timedelta(minutes=55))
        assert allow("sign", "203.0.113.9", 10, HOUR)


def test_attempts_in_a_window_keep_its_end_where_the_first_attempt_put_it():
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        assert allow("sign", "203.0.113.9", 2, HOUR)
        clock.shift(timedelta(minutes=50))
        assert allow("sign", "203.0.113.9", 2, HOUR)
        clock.shift(timedelta(minutes=11))  # 61 minutes after the first attempt
        assert [allow("sign", "203.0.113.9", 2, HOUR) for _ in range(3)] == [True, True, False]
        (window,) = RateLimitWindow.objects.all()
        assert window.count == 3
        assert window.ends_at == datetime(2026, 3, 2, 11, 1, tzinfo=UTC)


def test_the_table_holds_a_keyed_hash_never_the_address():
    allow("petition-sign-ip", "203.0.113.9", 5, HOUR)
    allow("petition-sign-email", "sam@example.org", 5, HOUR)

    keys = list(RateLimitWindow.objects.values_list("key", flat=True))
    assert sorted(key.split(":")[0] for key in keys) == ["petition-sign-email", "petition-sign-ip"]
    assert not any("203.0.113" in key or "example.org" in key for key in keys)
    assert all(len(key.split(":")[1]) == 40 for key in keys)


def test_a_count_taken_in_a_transaction_that_fails_is_not_kept():
    with pytest.raises(RuntimeError), transaction.atomic():
        count_attempt(Attempt("test", "203.0.113.9", 60))
        raise RuntimeError
    assert count_attempt(Attempt("test", "203.0.113.9", 60)) == 1


def test_ended_windows_are_deleted_and_open_ones_kept():
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        allow("sign", "203.0.113.9", 5, 60)
        allow("sign", "203.0.113.10", 5, HOUR)
        clock.shift(timedelta(minutes=2))
        assert delete_ended_windows() == 1
        assert RateLimitWindow.objects.count() == 1
        # The address whose window ended starts a new one at 1.
        assert count_attempt(Attempt("sign", "203.0.113.9", 60)) == 1
        assert count_attempt(Attempt("sign", "203.0.113.10", HOUR)) == 2
