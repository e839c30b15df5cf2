"""Read REFIT houses: raw `House_N.csv` and cleaned `CLEAN_HouseN.csv` files.

REFIT (Murray, Stankovic and Stankovic, Sci. Data 4:160122) logged 20 houses
near Loughborough, UK, every 6-8 s: a whole-house current clamp (`Aggregate`)
and nine individual appliance monitors (`Appliance1..9`), active power in W.
`Unix` is the UTC epoch used here; `Time` is the local wall clock and is
ignored. The raw release keeps monitor spikes above 4 kW (a 13 A plug cannot
draw that much), which are read as missing here; the cleaned release adds an
`Issues` flag (1 where the monitors sum above the aggregate), and the dataset
says to discard or note those rows, so their aggregate is read as missing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording, channel_named
from training.datasets.textfile import (
    TextLayout,
    check_header,
    keep_increasing,
    open_binary,
    read_numeric,
)

if TYPE_CHECKING:
    from pathlib import Path

    from training.datasets.recording import Channel

DATASET = "refit"
TIMEZONE = "Europe/London"
SAMPLE_PERIOD_S = 8.0
# Polls are 6-8 s apart and rows were written on changes only; a step longer
# than two minutes is an outage, not a steady load.
MAX_HOLD_S = 120.0
MONITOR_SPIKE_W = 4000.0

RAW_NAME = re.compile(r"House_(\d+)\.csv")
CLEAN_NAME = re.compile(r"CLEAN_House(\d+)\.csv")

_APPLIANCE_COLUMNS = tuple(f"Appliance{n}" for n in range(1, 10))
RAW_HEADER = ("Time", "Unix", "Aggregate", *_APPLIANCE_COLUMNS)
CLEAN_HEADER = (*RAW_HEADER, "Issues")

# Appliance1..9 per house, as the REFIT readme lists them at the start of the
# study (house 14 does not exist). The nilmtk metadata disagree for house 4
# (Tumble Dryer, Washing Machine(1), Washing Machine(2) in columns 4-6); the
# readme's order is kept, and the signature check flags columns whose power
# does not fit their name either way.
APPLIANCES: dict[int, tuple[str, ...]] = {
    1: (
        "Fridge",
        "Freezer(1)",
        "Freezer(2)",
        "Washer Dryer",
        "Washing Machine",
        "Dishwasher",
        "Computer",
        "Television Site",
        "Electric Heater",
    ),
    2: (
        "Fridge-Freezer",
        "Washing Machine",
        "Dishwasher",
        "Television Site",
        "Microwave",
        "Toaster",
        "Hi-Fi",
        "Kettle",
        "Overhead Fan",
    ),
    3: (
        "Toaster",
        "Fridge-Freezer",
        "Freezer",
        "Tumble Dryer",
        "Dishwasher",
        "Washing Machine",
        "Television Site",
        "Microwave",
        "Kettle",
    ),
    4: (
        "Fridge",
        "Freezer",
        "Fridge-Freezer",
        "Washing Machine(1)",
        "Washing Machine(2)",
        "Desktop Computer",
        "Television Site",
        "Microwave",
        "Kettle",
    ),
    5: (
        "Fridge-Freezer",
        "Tumble Dryer",
        "Washing Machine",
        "Dishwasher",
        "Desktop Computer",
        "Television Site",
        "Microwave",
        "Kettle",
        "Toaster",
    ),
    6: (
        "Freezer",
        "Washing Machine",
        "Dishwasher",
        "MJY Computer",
        "TV/Satellite",
        "Microwave",
        "Kettle",
        "Toaster",
        "PGM Computer",
    ),
    7: (
        "Fridge",
        "Freezer(1)",
        "Freezer(2)",
        "Tumble Dryer",
        "Washing Machine",
        "Dishwasher",
        "Television Site",
        "Toaster",
        "Kettle",
    ),
    8: (
        "Fridge",
        "Freezer",
        "Washer Dryer",
        "Washing Machine",
        "Toaster",
        "Computer",
        "Television Site",
        "Microwave",
        "Kettle",
    ),
    9: (
        "Fridge-Freezer",
        "Washer Dryer",
        "Washing Machine",
        "Dishwasher",
        "Television Site",
        "Microwave",
        "Kettle",
        "Hi-Fi",
        "Electric Heater",
    ),
    10: (
        "Magimix(Blender)",
        "Toaster",
        "Chest Freezer",
        "Fridge-Freezer",
        "Washing Machine",
        "Dishwasher",
        "Television Site",
        "Microwave",
        "K Mix",
    ),
    11: (
        "Fridge",
        "Fridge-Freezer",
        "Washing Machine",
        "Dishwasher",
        "Computer Site",
        "Microwave",
        "Kettle",
        "Router",
        "Hi-Fi",
    ),
    12: (
        "Fridge-Freezer",
        "???",
        "???",
        "Computer Site",
        "Microwave",
        "Kettle",
        "Toaster",
        "Television",
        "???",
    ),
    13: (
        "Television Site",
        "Freezer",
        "Washing Machine",
        "Dishwasher",
        "???",
        "Network Site",
        "Microwave",
        "Microwave",
        "Kettle",
    ),
    15: (
        "Fridge-Freezer",
        "Tumble Dryer",
        "Washing Machine",
        "Dishwasher",
        "Computer Site",
        "Television Site",
        "Microwave",
        "Hi-Fi",
        "Toaster",
    ),
    16: (
        "Fridge-Freezer(1)",
        "Fridge-Freezer(2)",
        "Electric Heater(1)",
        "Electric Heater(2)",
        "Washing Machine",
        "Dishwasher",
        "Computer Site",
        "Television Site",
        "Dehumidifier",
    ),
    17: (
        "Freezer",
        "Fridge-Freezer",
        "Tumble Dryer",
        "Washing Machine",
        "Computer Site",
        "Television Site",
        "Microwave",
        "Kettle",
        "TV Site(Bedroom)",
    ),
    18: (
        "Fridge(garage)",
        "Freezer(garage)",
        "Fridge-Freezer",
        "Washer Dryer(garage)",
        "Washing Machine",
        "Dishwasher",
        "Desktop Computer",
        "Television Site",
        "Microwave",
    ),
    19: (
        "Fridge Freezer",
        "Washing Machine",
        "Television Site",
        "Microwave",
        "Kettle",
        "Toaster",
        "Bread-maker",
        "Games Console",
        "Hi-Fi",
    ),
    20: (
        "Fridge",
        "Freezer",
        "Tumble Dryer",
        "Washing Machine",
        "Dishwasher",
        "Computer Site",
        "Television Site",
        "Microwave",
        "Kettle",
    ),
    21: (
        "Fridge-Freezer",
        "Tumble Dryer",
        "Washing Machine",
        "Dishwasher",
        "Food Mixer",
        "Television",
        "Kettle",
        "Vivarium",
        "Pond Pump",
    ),
}


def house_number(path: Path) -> int | None:
    """Return the REFIT house number a file name carries, or None."""
    match = RAW_NAME.fullmatch(path.name) or CLEAN_NAME.fullmatch(path.name)
    return int(match.group(1)) if match else None


def read_refit(path: Path, *, progress: bool = False) -> HouseRecording:
    """Read one REFIT house file, raw or cleaned, as a house recording."""
    number = house_number(path)
    if number is None or number not in APPLIANCES:
        raise DatasetError(path, "not a REFIT house file name (House_N.csv)")
    cleaned = CLEAN_NAME.fullmatch(path.name) is not None
    header = CLEAN_HEADER if cleaned else RAW_HEADER
    layout = TextLayout(
        delimiter=",",
        fields=len(header),
        skip_fields=1,
        nan_allowed=cleaned,
    )

    with open_binary(path) as handle:
        check_header(path, handle.readline(), header, delimiter=",")
        table = read_numeric(
            path, layout, handle=handle, first_line=2, progress=progress
        ).values

    keep = keep_increasing(path, table[0], first_line=2)
    if not keep.all():
        table = table[:, keep]
    aggregate = table[1]
    monitors = table[2:11]
    if cleaned:
        aggregate[table[11] != 0] = np.nan
    else:
        monitors[monitors > MONITOR_SPIKE_W] = np.nan

    channels: list[Channel] = [
        channel_named(name, monitors[column])
        for column, name in enumerate(APPLIANCES[number])
    ]
    return HouseRecording(
        dataset=DATASET,
        house=f"House_{number}",
        timezone=TIMEZONE,
        timestamps_s=table[0],
        aggregate_w=aggregate,
        channels=tuple(channels),
        source=path,
        sample_period_s=SAMPLE_PERIOD_S,
        max_hold_s=MAX_HOLD_S,
    )
