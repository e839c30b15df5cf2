"""Decode the standard-mode status register (STGE) into its documented fields."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from .frame import TicMode
from .tariff import TempoColour, colour_from_code

_HEX_DIGITS: Final = frozenset("0123456789ABCDEFabcdef")


class BreakerState(IntEnum):
    """Name the states of the meter's cut-off switch (bits 1-3)."""

    CLOSED = 0
    OPEN_OVERPOWER = 1
    OPEN_OVERVOLTAGE = 2
    OPEN_LOAD_SHEDDING = 3
    OPEN_REMOTE_ORDER = 4
    OPEN_OVERHEAT_ABOVE_MAX_CURRENT = 5
    OPEN_OVERHEAT_BELOW_MAX_CURRENT = 6


class EuridisState(IntEnum):
    """Name the states of the Euridis local communication port (bits 19-20)."""

    DISABLED = 0
    ENABLED_WITHOUT_SECURITY = 1
    ENABLED_WITH_SECURITY = 3


class PowerLineStatus(IntEnum):
    """Name the states of the power-line carrier modem (bits 21-22)."""

    NEW_UNLOCKED = 0
    NEW_LOCKED = 1
    REGISTERED = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusRegister:
    """Hold the fields of a 32-bit STGE status register.

    Bit positions follow Enedis-NOI-CPT_54E. Supplier and distributor indexes
    count from 1 like the EASFnn and EASDnn labels; mobile peak fields are 0
    when none is announced or running.
    """

    raw: int
    dry_contact_open: bool
    breaker: BreakerState | None
    terminal_cover_open: bool
    overvoltage: bool
    above_reference_power: bool
    producer: bool
    active_energy_negative: bool
    supplier_index: int
    distributor_index: int
    clock_degraded: bool
    tic_mode: TicMode
    euridis: EuridisState | None
    power_line_status: PowerLineStatus | None
    power_line_synchronised: bool
    tempo_today: TempoColour | None
    tempo_tomorrow: TempoColour | None
    mobile_peak_notice: int
    mobile_peak: int


def _bits(raw: int, first: int, count: int = 1) -> int:
    """Return `count` bits of `raw` starting at bit `first`."""
    return (raw >> first) & ((1 << count) - 1)


def _member[E: IntEnum](enum: type[E], code: int) -> E | None:
    """Return the member of an enumeration with this code, or None."""
    try:
        return enum(code)
    except ValueError:
        return None


def decode_status(value: str) -> StatusRegister | None:
    """Decode the 8 hexadecimal digits of STGE, or return None if malformed."""
    if len(value) != 8 or not _HEX_DIGITS.issuperset(value):
        return None
    raw = int(value, 16)
    return StatusRegister(
        raw=raw,
        dry_contact_open=bool(_bits(raw, 0)),
        breaker=_member(BreakerState, _bits(raw, 1, 3)),
        terminal_cover_open=bool(_bits(raw, 4)),
        overvoltage=bool(_bits(raw, 6)),
        above_reference_power=bool(_bits(raw, 7)),
        producer=bool(_bits(raw, 8)),
        active_energy_negative=bool(_bits(raw, 9)),
        supplier_index=_bits(raw, 10, 4) + 1,
        distributor_index=_bits(raw, 14, 2) + 1,
        clock_degraded=bool(_bits(raw, 16)),
        tic_mode=TicMode.STANDARD if _bits(raw, 17) else TicMode.HISTORICAL,
        euridis=_member(EuridisState, _bits(raw, 19, 2)),
        power_line_status=_member(PowerLineStatus, _bits(raw, 21, 2)),
        power_line_synchronised=bool(_bits(raw, 23)),
        tempo_today=colour_from_code(_bits(raw, 24, 2)),
        tempo_tomorrow=colour_from_code(_bits(raw, 26, 2)),
        mobile_peak_notice=_bits(raw, 28, 2),
        mobile_peak=_bits(raw, 30, 2),
    )
