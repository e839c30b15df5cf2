"""Hold a dictionary that computes the values it lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class Memo[K, V](dict[K, V]):
    """Look a key up and, when it is missing, return what `compute` gives for it.

    `compute` stores what it returns if it wants to (it may also refuse a key,
    or empty the memo first to bound its size). A present key is a plain
    dictionary lookup, so `map(memo.__getitem__, keys)` runs in C until a key
    is missing, which lets a hot loop look a whole batch up in one call.
    """

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: K) -> V:
        return self.compute(key)
