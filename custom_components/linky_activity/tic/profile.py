"""Work out what kind of meter a stream comes from, over several frames."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .frame import TicMode
from .labels import INJECTION_LABELS, LABELS, THREE_PHASE_LABELS

if TYPE_CHECKING:
    from .frame import Frame

_POWER_LABELS: Final = frozenset(("PAPP", "SINSTS"))


class _Vote[T]:
    """Settle on a value once enough consecutive observations agree."""

    __slots__ = ("candidate", "needed", "streak", "value")

    def __init__(self, needed: int) -> None:
        self.needed = needed
        self.candidate: T | None = None
        self.streak = 0
        self.value: T | None = None

    def cast(self, ballot: T) -> None:
        """Count one observation, settling once `needed` in a row agree."""
        if ballot == self.candidate:
            self.streak += 1
        else:
            self.candidate = ballot
            self.streak = 1
        if self.streak >= self.needed:
            self.value = ballot


class StreamProfile:
    """Detect the mode, the number of phases and producer status of a stream.

    One group, or even one frame, proves little on a noisy line whose
    checksum is only 6 bits, so each verdict needs `frames_needed`
    consecutive frames that agree, and stays settled afterwards.
    """

    __slots__ = ("_mode", "_phases", "_producer")

    def __init__(self, frames_needed: int = 3) -> None:
        self._mode = _Vote[TicMode](frames_needed)
        self._phases = _Vote[int](frames_needed)
        self._producer = _Vote[bool](frames_needed)

    @property
    def mode(self) -> TicMode | None:
        """Return the detected TIC mode, or None until it is settled."""
        return self._mode.value

    @property
    def phases(self) -> int | None:
        """Return 1 or 3 once the number of phases is settled, else None."""
        return self._phases.value

    @property
    def producer(self) -> bool | None:
        """Tell whether the meter reports injection, once that is settled."""
        return self._producer.value

    @property
    def settled(self) -> bool:
        """Tell whether every verdict is settled."""
        return None not in (self.mode, self.phases, self.producer)

    def observe(self, frame: Frame) -> None:
        """Take one decoded frame into account."""
        labels = frame.groups.keys()
        known = LABELS[frame.mode]
        if sum(label in known for label in labels) * 2 > len(labels):
            self._mode.cast(frame.mode)
        if not THREE_PHASE_LABELS.isdisjoint(labels):
            self._phases.cast(3)
        elif not _POWER_LABELS.isdisjoint(labels):
            self._phases.cast(1)
        if not INJECTION_LABELS.isdisjoint(labels):
            self._producer.cast(True)
        elif not _POWER_LABELS.isdisjoint(labels):
            self._producer.cast(False)
