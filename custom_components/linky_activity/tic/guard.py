"""Keep implausible energy indexes out: never lower, never a jump too big."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

# The largest supply a Linky meter serves is 36 kVA; at unit power factor
# that is at most 36 kW drawn, or injected.
DEFAULT_MAX_POWER_W: Final = 36_000.0


@dataclass(slots=True)
class _Track:
    """Hold what the guard knows about one index."""

    value: int
    at: float
    candidate: int | None = None
    candidate_at: float = 0.0
    confirmations: int = 0


class IndexGuard:
    """Accept an energy index only if it is consistent with the last one accepted.

    A TIC checksum is 6 bits, so about one corrupted group in 64 passes it;
    a corrupted index must never reach the recorder, where a dip or a spike
    breaks long-term statistics. A new value is refused if it is lower than
    the last accepted one, or higher by more than the meter could count at
    `max_power_w` (times `margin`) over the time elapsed, plus `slack_wh`.

    Values the guard refuses are not forgotten: if `confirmations` refused
    values in a row agree with each other, the index really did move (a
    replaced meter, or a bad first value), and the guard follows them.
    """

    def __init__(
        self,
        *,
        max_power_w: float = DEFAULT_MAX_POWER_W,
        margin: float = 2.0,
        slack_wh: int = 100,
        confirmations: int = 10,
    ) -> None:
        self.max_power_w = max_power_w
        self.margin = margin
        self.slack_wh = slack_wh
        self.confirmations = confirmations
        self._tracks: dict[str, _Track] = {}

    def last(self, name: str) -> int | None:
        """Return the last accepted value of an index, or None."""
        track = self._tracks.get(name)
        return None if track is None else track.value

    def accept(self, name: str, value: int, at: float) -> bool:
        """Tell whether to take this index value, read at `at` seconds."""
        track = self._tracks.get(name)
        if track is None:
            self._tracks[name] = _Track(value, at)
            return value >= 0
        if self._follows(track.value, track.at, value, at):
            track.value, track.at = value, at
            track.candidate = None
            track.confirmations = 0
            return True
        return self._confirm(track, value, at)

    def filter(self, indexes: Mapping[str, int], at: float) -> dict[str, int]:
        """Return the indexes of one reading that the guard accepts."""
        return {
            name: value
            for name, value in indexes.items()
            if self.accept(name, value, at)
        }

    def _follows(self, before: int, before_at: float, value: int, at: float) -> bool:
        """Tell whether `value` can follow `before` after the time elapsed."""
        if value < before:
            return False
        hours = max(at - before_at, 0.0) / 3600.0
        return value - before <= self.max_power_w * self.margin * hours + self.slack_wh

    def _confirm(self, track: _Track, value: int, at: float) -> bool:
        """Count a refused value towards moving the index to a new level."""
        if track.candidate is not None and self._follows(
            track.candidate, track.candidate_at, value, at
        ):
            track.confirmations += 1
        else:
            track.confirmations = 1
        track.candidate, track.candidate_at = value, at
        if track.confirmations < self.confirmations:
            return False
        track.value, track.at = value, at
        track.candidate = None
        track.confirmations = 0
        return True
