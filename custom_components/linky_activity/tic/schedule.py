"""Read the day profiles (PJOURF+1, PPOINTE) of the supplier's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Final

_UNUSED: Final = "NONUTILE"
_HEX_DIGITS: Final = frozenset("0123456789ABCDEF")


@dataclass(frozen=True, slots=True, kw_only=True)
class DaySlot:
    """Hold one switching point of a day profile.

    `action` is the 16-bit action code as sent; its low four bits give the
    supplier index (1-10) that applies from `start`, 0 when unchanged.
    """

    start: time
    action: int

    @property
    def supplier_index(self) -> int:
        """Return the supplier index this slot switches to, 0 if none."""
        return self.action & 0x0F


def _slot(block: str) -> DaySlot | None:
    """Decode one 8-character block (hhmm + 4 hexadecimal digits)."""
    if (
        len(block) != 8
        or not block[:4].isdecimal()
        or not _HEX_DIGITS.issuperset(block[4:])
    ):
        return None
    hour, minute = int(block[:2]), int(block[2:4])
    if hour > 23 or minute > 59:
        return None
    return DaySlot(start=time(hour, minute), action=int(block[4:], 16))


def parse_day_profile(value: str) -> tuple[DaySlot, ...] | None:
    """Decode a day profile, skipping unused blocks, or return None if malformed."""
    slots: list[DaySlot] = []
    for block in value.split():
        if block == _UNUSED:
            continue
        slot = _slot(block)
        if slot is None:
            return None
        slots.append(slot)
    return tuple(slots)
