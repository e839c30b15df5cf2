"""Read RAE houses (`houseN_power_blkM.csv`), 1 Hz circuit-level power.

RAE (Makonin, Wang and Tumpach, Data 3(1):8, 2018) recorded two houses in
Vancouver, Canada. Each block file has the header
`unix_ts,ihd,mains,sub1,...,subK`: UTC epoch seconds, the in-home display's
reading, the whole-house power and K breaker circuits, in W; a missing reading
is an empty field. Circuits fed by both legs of the supply (L1 and L2) are
summed into one appliance, as the dataset's metadata pairs them. Blocks of
one house are read in order and joined.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from training.appliances import ApplianceKind
from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording, channel_named
from training.datasets.textfile import (
    TextLayout,
    decode_line,
    keep_increasing,
    open_binary,
    read_numeric,
)

if TYPE_CHECKING:
    from pathlib import Path

    from training.datasets.recording import Channel

DATASET = "rae"
TIMEZONE = "America/Vancouver"
SAMPLE_PERIOD_S = 1.0
# The logger wrote a row every second, empty where a reading was lost.
MAX_HOLD_S = 1.0
FILE_NAME = re.compile(r"house(\d+)_power_blk(\d+)\.csv")
_FIXED_COLUMNS = ("unix_ts", "ihd", "mains")

type Circuit = tuple[tuple[int, ...], str, ApplianceKind]

# Breaker circuits per house (sub-meter numbers summed), from the dataset's
# metadata. House 2's sub1 and sub2 are its two mains legs.
CIRCUITS: dict[int, tuple[Circuit, ...]] = {
    1: (
        ((1, 2), "Kitchen wall oven", ApplianceKind.OVEN),
        ((3, 4), "Kitchen counter plugs", ApplianceKind.SOCKETS),
        ((5, 6), "Clothes dryer", ApplianceKind.TUMBLE_DRYER),
        ((7,), "Upstairs bedroom plugs", ApplianceKind.SOCKETS),
        ((8,), "Kitchen fridge", ApplianceKind.FRIDGE),
        ((9,), "Clothes washer", ApplianceKind.WASHING_MACHINE),
        ((10,), "Kitchen dishwasher", ApplianceKind.DISHWASHER),
        ((11,), "Furnace and hot water unit", ApplianceKind.FURNACE),
        ((12,), "Basement plugs and lights", ApplianceKind.SOCKETS),
        ((13, 14), "Heat pump", ApplianceKind.HEAT_PUMP),
        ((15, 16), "Garage sub-panel", ApplianceKind.SUBPANEL),
        ((17, 18), "Upstairs plugs and lights", ApplianceKind.SOCKETS),
        (
            (19,),
            "Basement entertainment (TV, amplifier, DVD, PVR)",
            ApplianceKind.TELEVISION,
        ),
        ((20,), "Bathrooms (plugs, lights, fan, chest freezer)", ApplianceKind.SOCKETS),
        ((21, 22), "Rental suite sub-panel", ApplianceKind.SUBPANEL),
        ((23,), "Dining room plugs (gas cooktop, microwave)", ApplianceKind.SOCKETS),
        ((24,), "Home office (telecom, network, security)", ApplianceKind.NETWORK),
    ),
    2: (
        ((3,), "Lights and plugs", ApplianceKind.SOCKETS),
        ((4, 5), "Clothes dryer", ApplianceKind.TUMBLE_DRYER),
        ((6,), "Bedroom plugs", ApplianceKind.SOCKETS),
        ((7,), "Built-in vacuum", ApplianceKind.VACUUM),
        ((8,), "Boiler (hot water and radiant heating)", ApplianceKind.BOILER),
        ((9,), "Lights and plugs", ApplianceKind.SOCKETS),
        ((10,), "Clothes washer", ApplianceKind.WASHING_MACHINE),
        ((11,), "Kitchen fridge", ApplianceKind.FRIDGE),
        ((12,), "Lights and plugs (network equipment)", ApplianceKind.SOCKETS),
        ((13,), "Bedroom plugs", ApplianceKind.SOCKETS),
        ((14,), "Kitchen counter plugs", ApplianceKind.SOCKETS),
        ((15,), "Kitchen counter plugs", ApplianceKind.SOCKETS),
        ((16,), "Lights and plugs", ApplianceKind.SOCKETS),
        ((17,), "Lights and plugs", ApplianceKind.SOCKETS),
        ((18,), "Outside plugs", ApplianceKind.SOCKETS),
        ((19,), "Dishwasher", ApplianceKind.DISHWASHER),
        ((20,), "Lights and plugs", ApplianceKind.SOCKETS),
        ((21,), "Mobile phone chargers", ApplianceKind.CHARGER),
    ),
}


def house_of(path: Path) -> int | None:
    """Return the RAE house number a block file name carries, or None."""
    match = FILE_NAME.fullmatch(path.name)
    return int(match.group(1)) if match else None


def read_rae(files: list[Path], *, progress: bool = False) -> HouseRecording:
    """Read the power block files of one RAE house as a house recording."""
    ordered = sorted(files, key=_block_of)
    houses = {house_of(path) for path in ordered}
    if len(houses) != 1 or None in houses:
        raise DatasetError(ordered[0], "block files of several houses given together")
    number = houses.pop()
    assert number is not None  # checked just above

    blocks = [_read_block(path, progress=progress) for path in ordered]
    widths = {table.shape[0] for _, table in blocks}
    if len(widths) != 1:
        raise DatasetError(ordered[-1], "blocks of one house differ in sub-meters")
    times = np.concatenate([block_times for block_times, _ in blocks])
    table = np.concatenate([block_table for _, block_table in blocks], axis=1)
    if np.any(np.diff(times) <= 0):
        raise DatasetError(ordered[-1], "blocks overlap in time")

    subs = table.shape[0] - 2
    circuits = CIRCUITS.get(number) or tuple(
        ((n,), f"sub{n}", ApplianceKind.UNKNOWN) for n in range(1, subs + 1)
    )
    channels: list[Channel] = []
    for numbers, name, kind in circuits:
        if max(numbers) > subs:
            raise DatasetError(ordered[0], f"header has no sub{max(numbers)}", 1)
        power = np.sum([table[1 + n] for n in numbers], axis=0)
        label = "+".join(f"sub{n}" for n in numbers)
        channels.append(channel_named(f"{label} {name}", power, kind))
    return HouseRecording(
        dataset=DATASET,
        house=f"house{number}",
        timezone=TIMEZONE,
        timestamps_s=times,
        aggregate_w=table[1],
        channels=tuple(channels),
        source=ordered[0].parent,
        sample_period_s=SAMPLE_PERIOD_S,
        max_hold_s=MAX_HOLD_S,
    )


def _block_of(path: Path) -> int:
    """Return the block number of a RAE file name."""
    match = FILE_NAME.fullmatch(path.name)
    if match is None:
        raise DatasetError(path, "not a RAE file name (houseN_power_blkM.csv)")
    return int(match.group(2))


def _read_block(path: Path, *, progress: bool) -> tuple[np.ndarray, np.ndarray]:
    """Read one block: timestamps, then rows ihd, mains, sub1.. as a table."""
    with open_binary(path) as handle:
        header = [
            name.strip() for name in decode_line(path, handle.readline(), 1).split(",")
        ]
        subs = len(header) - len(_FIXED_COLUMNS)
        expected = [*_FIXED_COLUMNS, *(f"sub{n}" for n in range(1, subs + 1))]
        if subs < 1 or header != expected:
            raise DatasetError(
                path,
                f"unexpected header {','.join(header)[:60]!r}, "
                "expected 'unix_ts,ihd,mains,sub1,...'",
                1,
            )
        layout = TextLayout(delimiter=",", fields=len(header), missing=("",))
        rows = read_numeric(
            path, layout, handle=handle, first_line=2, progress=progress
        )
    times = rows.values[0]
    keep = keep_increasing(path, times, rows.first_line)
    values = rows.values if keep.all() else rows.values[:, keep]
    return values[0], values[1:]
