"""Fold the readings of one publish interval into the value an entity writes."""

from __future__ import annotations

from enum import StrEnum


class Aggregate(StrEnum):
    """Name how an entity turns an interval's readings into one state."""

    # Power, current and voltage: the mean over the interval, so a short peak
    # between two writes still weighs in.
    MEAN = "mean"
    # Enumerations, text and contract values: the last value sent.
    LATEST = "latest"
    # Energy indexes: the last value the index guard let through, never 0,
    # never below the last one written, so statistics never see a reset that
    # did not happen; and never the very first value alone, which the guard
    # has nothing to compare with.
    INDEX = "index"
    # Warnings: on if any reading of the interval raised them.
    ANY = "any"


class Aggregator:
    """Collect the values one entity reads during an interval."""

    def __init__(self, kind: Aggregate, digits: int = 0) -> None:
        self.kind = kind
        self.digits = digits
        self.value: float | str | bool | None = None
        self._total = 0.0
        self._count = 0
        self._pending: float | str | bool | None = None
        self._seen = False
        self._values_taken = 0

    def add(self, value: float | str | bool | None) -> None:
        """Take the value read from one frame (None: not in that frame)."""
        self._seen = True
        match self.kind:
            case Aggregate.MEAN:
                if isinstance(value, int | float):
                    self._total += value
                    self._count += 1
            case Aggregate.ANY:
                self._pending = bool(self._pending) or bool(value)
            case Aggregate.LATEST | Aggregate.INDEX:
                if value is not None:
                    self._pending = value
                    self._values_taken += 1

    def publish(self) -> float | str | bool | None:
        """Close the interval and return the value to write."""
        if self._seen:
            match self.kind:
                case Aggregate.MEAN:
                    self._publish_mean()
                case Aggregate.ANY:
                    self.value = bool(self._pending)
                case Aggregate.LATEST:
                    self.value = self._pending
                case Aggregate.INDEX:
                    self._publish_index()
        self._total, self._count, self._seen = 0.0, 0, False
        if self.kind is not Aggregate.INDEX:
            self._pending = None
        return self.value

    def _publish_mean(self) -> None:
        """Write the mean when the interval had numbers; else keep the last one."""
        if self._count:
            mean = self._total / self._count
            self.value = round(mean) if self.digits == 0 else round(mean, self.digits)

    def _publish_index(self) -> None:
        """Write the newest index unless it is unconfirmed, 0 or a step back."""
        candidate = self._pending
        if self._values_taken < 2:
            return
        if not isinstance(candidate, int | float) or candidate <= 0:
            return
        if isinstance(self.value, int | float) and candidate < self.value:
            return
        self.value = candidate
