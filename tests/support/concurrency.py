"""Run test attempts on threads released at the same instant, as racing requests arrive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_together(attempts: list[Callable[[], T]]) -> list[T]:
    """Start every attempt on its own thread at the same instant; their responses, in order."""
    barrier = threading.Barrier(len(attempts))
    responses: list[T | None] = [None] * len(attempts)
    failures: list[BaseException] = []

    def run(index: int, attempt: Callable[[], T]) -> None:
        barrier.wait()
        try:
            responses[index] = attempt()
        except BaseException as failure:  # report it in the test, not on a thread
            failures.append(failure)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert None not in responses, "an attempt did not finish"
    return [response for response in responses if response is not None]
