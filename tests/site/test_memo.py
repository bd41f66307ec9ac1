"""One-second memory in the web process (northstar.memo)."""

from northstar.memo import Memo, clear_all
from tests.support.waiting import wait_until


def counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values[len(calls) - 1]

    return compute, calls


def test_a_value_is_computed_once_while_it_is_kept():
    memo = Memo(seconds=60)
    compute, calls = counting(["first", "second"])
    assert [memo.get("key", compute) for _ in range(3)] == ["first"] * 3
    assert len(calls) == 1


def test_a_value_is_computed_again_once_its_time_is_up():
    memo = Memo(seconds=0.05)
    compute, _ = counting(["first", "second"])
    memo.get("key", compute)
    wait_until(lambda: memo.get("key", compute) == "second", timeout=5, message="expiry")


def test_none_is_kept_like_any_other_value():
    memo = Memo(seconds=60)
    compute, calls = counting([None, "second"])
    assert memo.get("missing", compute) is None
    assert memo.get("missing", compute) is None
    assert len(calls) == 1


def test_it_never_holds_more_than_its_limit():
    memo = Memo(seconds=60, max_entries=3)
    for number in range(10):
        memo.put(number, number)
    assert sum(memo.peek(number) is not None for number in range(10)) == 3


def test_clear_all_forgets_every_memo():
    first, second = Memo(seconds=60), Memo(seconds=60)
    first.put("a", 1)
    second.put("b", 2)
    clear_all()
    assert first.peek("a") is None
    assert second.peek("b") is None
