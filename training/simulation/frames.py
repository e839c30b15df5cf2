"""Encode simulated meter readings as TIC frames, as a Linky would send them.

Historical mode gives the off-peak contract's usual groups (OPTARIF HC..,
HCHC/HCHP, PTEC, IINST, PAPP...), or BASE/TH.. for a single-rate contract;
standard mode gives ADSC, DATE, LTARF, EAST/EASF01/EASF02, IRMS1, URMS1,
SINSTS... The meter address is a fixed fake value, never a real household's.
A reading the dataset could not give (NaN) sends no frame: the meter looks
silent, as a real one does when the dongle loses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import functools
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

import numpy as np

from custom_components.linky_activity.tic.encoder import (
    ETX,
    STX,
    encode_group,
    format_decimal,
    format_horodate,
)
from custom_components.linky_activity.tic.frame import Group, TicMode

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from training.simulation.meter import MeterChunk

FAKE_ADDRESS: Final = "000000000000"
NOMINAL_VOLTAGE_V: Final = 230
SUBSCRIBED_KVA: Final = 9
SUBSCRIBED_A: Final = SUBSCRIBED_KVA * 5


@dataclass(frozen=True, slots=True)
class TimedFrame:
    """Hold one encoded frame and the UTC moment the meter sends it."""

    timestamp_s: float
    data: bytes


def meter_frames(
    chunks: Iterable[MeterChunk],
    mode: TicMode,
    *,
    timezone: str,
    off_peak_contract: bool = True,
) -> Iterator[TimedFrame]:
    """Encode each meter reading with a value as one frame."""
    zone = ZoneInfo(timezone)
    for chunk in chunks:
        for index in np.flatnonzero(np.isfinite(chunk.apparent_power_va)).tolist():
            moment = float(chunk.timestamps_s[index])
            groups = (
                _historical_groups(chunk, index, off_peak_contract=off_peak_contract)
                if mode is TicMode.HISTORICAL
                else _standard_groups(
                    chunk, index, moment, zone, off_peak_contract=off_peak_contract
                )
            )
            body = b"".join(_encoded(group, mode) for group in groups)
            yield TimedFrame(moment, STX + body + ETX)


@functools.lru_cache(maxsize=4096)
def _encoded(group: Group, mode: TicMode) -> bytes:
    """Encode a group once: most repeat unchanged from frame to frame."""
    return encode_group(group, mode)


def _historical_groups(
    chunk: MeterChunk, index: int, *, off_peak_contract: bool
) -> list[Group]:
    """Build a historical-mode frame's groups for one reading."""
    mode = TicMode.HISTORICAL
    apparent = int(chunk.apparent_power_va[index])
    current = round(apparent / NOMINAL_VOLTAGE_V)
    groups = [Group(label="ADCO", value=FAKE_ADDRESS)]
    if off_peak_contract:
        off_peak = bool(chunk.off_peak[index])
        groups += [
            Group(label="OPTARIF", value="HC.."),
            Group(label="ISOUSC", value=format_decimal("ISOUSC", SUBSCRIBED_A, mode)),
            Group(
                label="HCHC",
                value=format_decimal("HCHC", int(chunk.index_off_peak_wh[index]), mode),
            ),
            Group(
                label="HCHP",
                value=format_decimal("HCHP", int(chunk.index_peak_wh[index]), mode),
            ),
            Group(label="PTEC", value="HC.." if off_peak else "HP.."),
        ]
    else:
        groups += [
            Group(label="OPTARIF", value="BASE"),
            Group(label="ISOUSC", value=format_decimal("ISOUSC", SUBSCRIBED_A, mode)),
            Group(
                label="BASE",
                value=format_decimal("BASE", int(chunk.index_total_wh[index]), mode),
            ),
            Group(label="PTEC", value="TH.."),
        ]
    groups += [
        Group(label="IINST", value=format_decimal("IINST", current, mode)),
        Group(label="IMAX", value=format_decimal("IMAX", 90, mode)),
        Group(label="PAPP", value=format_decimal("PAPP", apparent, mode)),
        Group(label="HHPHC", value="A"),
        Group(label="MOTDETAT", value="000000"),
    ]
    return groups


def _standard_groups(
    chunk: MeterChunk,
    index: int,
    moment: float,
    zone: ZoneInfo,
    *,
    off_peak_contract: bool,
) -> list[Group]:
    """Build a standard-mode frame's groups for one reading."""
    mode = TicMode.STANDARD
    apparent = int(chunk.apparent_power_va[index])
    local = datetime.fromtimestamp(moment, tz=UTC).astimezone(zone)
    offset = local.dst()
    summer = offset is not None and offset.total_seconds() > 0
    off_peak = off_peak_contract and bool(chunk.off_peak[index])
    if off_peak_contract:
        contract = "H PLEINE/CREUSE "
        period = " HEURE  CREUSE  " if off_peak else " HEURE  PLEINE  "
    else:
        contract = "      BASE      "
        period = "      BASE      "
    return [
        Group(label="ADSC", value=FAKE_ADDRESS),
        Group(label="VTIC", value="02"),
        Group(
            label="DATE",
            value="",
            horodate=format_horodate(local.replace(tzinfo=None), summer_time=summer),
        ),
        Group(label="NGTF", value=contract),
        Group(label="LTARF", value=period),
        Group(
            label="EAST",
            value=format_decimal("EAST", int(chunk.index_total_wh[index]), mode),
        ),
        Group(
            label="EASF01",
            value=format_decimal("EASF01", int(chunk.index_off_peak_wh[index]), mode),
        ),
        Group(
            label="EASF02",
            value=format_decimal("EASF02", int(chunk.index_peak_wh[index]), mode),
        ),
        Group(
            label="IRMS1",
            value=format_decimal("IRMS1", round(apparent / NOMINAL_VOLTAGE_V), mode),
        ),
        Group(label="URMS1", value=format_decimal("URMS1", NOMINAL_VOLTAGE_V, mode)),
        Group(label="PREF", value=format_decimal("PREF", SUBSCRIBED_KVA, mode)),
        Group(label="PCOUP", value=format_decimal("PCOUP", SUBSCRIBED_KVA, mode)),
        Group(label="SINSTS", value=format_decimal("SINSTS", apparent, mode)),
        Group(
            label="NTARF", value="02" if off_peak_contract and not off_peak else "01"
        ),
    ]
