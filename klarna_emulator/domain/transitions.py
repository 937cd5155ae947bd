"""Explicit transition tables: every stateful emulator object moves only along its table."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

State = TypeVar("State", bound=StrEnum)


class InvalidTransition(RuntimeError):
    """A state change the transition table does not allow (an emulator bug, not a user error)."""


def check_transition(table: Mapping[State, frozenset[State]], current: State, new: State) -> State:
    """Return `new` if `table` allows `current` -> `new`, else raise InvalidTransition."""
    if new not in table[current]:
        raise InvalidTransition(f"{type(current).__name__}: {current} -> {new} is not allowed")
    return new
