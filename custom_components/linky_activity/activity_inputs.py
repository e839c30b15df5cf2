"""Take from a meter reading what the activity detector is fed.

Kept free of Home Assistant so that benchmarks and replays feed the detector
exactly as the integration does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .tic.tariff import TariffPeriod

if TYPE_CHECKING:
    from .tic.reading import MeterReading


def offpeak(reading: MeterReading) -> bool | None:
    """Tell whether the meter says the off-peak period runs (None: unknown)."""
    period = reading.tariff_period
    if period is None:
        return None
    return period is TariffPeriod.OFF_PEAK


def total_energy_wh(reading: MeterReading) -> int | None:
    """Return the total withdrawn energy index, or None if the frame lacks it."""
    indexes = reading.energy_wh
    if "east" in indexes:
        return indexes["east"]
    withdrawn = [value for key, value in indexes.items() if key != "eait"]
    # A historical meter sends one index per tariff period of its contract;
    # their sum is the total, as EAST is in standard mode.
    return sum(withdrawn) if withdrawn else None
