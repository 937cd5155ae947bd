"""The shared cache: entries expire after their TTL, the least recently used go first."""

from __future__ import annotations

from storefront.shared_cache import SharedCache


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_computed_once_until_it_expires() -> None:
    clock, calls = Clock(), []
    cache = SharedCache(ttl=30, clock=clock)

    def compute() -> int:
        calls.append(clock.now)
        return len(calls)

    assert [cache.get("key", compute) for _ in range(3)] == [1, 1, 1]
    clock.now = 29.9
    assert cache.get("key", compute) == 1
    clock.now = 30.0
    assert cache.get("key", compute) == 2
    assert calls == [0.0, 30.0]


def test_the_least_recently_used_entry_goes_when_full() -> None:
    cache = SharedCache(max_entries=2)
    cache.get("a", lambda: "a")
    cache.get("b", lambda: "b")
    cache.get("a", lambda: "recomputed")  # a is now the most recently used
    cache.get("c", lambda: "c")
    assert cache.get("a", lambda: "recomputed") == "a"
    assert cache.get("b", lambda: "recomputed") == "recomputed"


def test_clear_forgets_everything() -> None:
    cache = SharedCache()
    cache.get("a", lambda: 1)
    cache.clear()
    assert cache.get("a", lambda: 2) == 2
