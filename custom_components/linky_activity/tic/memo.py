"""Hold a bounded dictionary that computes the values it lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class Memo[K, V](dict[K, V]):
    """Look a key up and, when it is missing, return what `compute` gives for it.

    `compute` stores what it returns with `remember` if it wants to (it may
    also refuse a key). A present key is a plain dictionary lookup, so
    `map(memo.__getitem__, keys)` runs in C until a key is missing, which lets
    a hot loop look a whole batch up in one call.

    The memo keeps two generations of at most `size` values each. When the
    current one is full it becomes the previous one, which a missing key is
    looked for in before `compute` is called; a value found there is kept
    again. Values in use thus survive, while those of a stream's ever-new
    lines (an index, the meter's clock) are dropped after two generations.
    """

    __slots__ = ("_compute", "_previous", "_size")

    def __init__(self, compute: Callable[[K], V], size: int) -> None:
        super().__init__()
        self._compute = compute
        self._size = size
        self._previous: dict[K, V] = {}

    def __missing__(self, key: K) -> V:
        previous = self._previous
        if key in previous:
            value = previous.pop(key)
            self.remember(key, value)
            return value
        return self._compute(key)

    def remember(self, key: K, value: V) -> None:
        """Keep a value, starting a new generation if the current one is full."""
        if len(self) >= self._size:
            self._previous = dict(self)
            self.clear()
        self[key] = value

    def forget(self) -> None:
        """Drop every value, of both generations."""
        self.clear()
        self._previous = {}

    def held(self) -> int:
        """Return how many values the memo holds, both generations together."""
        return len(self) + len(self._previous)
