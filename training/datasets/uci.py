"""Read the UCI "Individual household electric power consumption" house.

One house in Sceaux, France (Hebrail and Berard, UCI ML Repository,
doi:10.24432/C58K54), one row a minute: `Date` (d/m/yyyy, day and month not
always zero-padded), `Time` (hh:mm:ss), minute-averaged global active power
in kW, reactive power, voltage, current, and three sub-meters in Wh of active
energy over the minute. The dataset notes mark a missing value by an empty
field; the distributed files write `?` (and leave the row's last field
empty): both read as missing. Lines end in CRLF or LF depending on the copy.

Clock: the dataset notes say every calendar minute is present, so the clock
runs on through the daylight-saving changes without a gap or a repeat; it
cannot be French wall-clock time. It is read as Central European standard
time (UTC+1) all year; `timezone` stays Europe/Paris so that local time of
day is computed with the DST rules.

Sub-meters (from the dataset notes) and how they are labelled:
1. kitchen: dishwasher, oven, microwave (hot plates are gas) -> activity; a
   dishwasher cycle therefore counts as activity for its whole run.
2. laundry room: washing machine, tumble dryer, a refrigerator and a light ->
   start-only, with an on-threshold above the refrigerator's compressor.
3. electric water heater and air conditioner -> background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from training.appliances import ApplianceKind
from training.datasets.clock import clock_seconds, naive_day_seconds, per_unique
from training.datasets.recording import HouseRecording, channel_named
from training.datasets.textfile import (
    TextLayout,
    check_header,
    keep_increasing,
    open_binary,
    read_numeric,
)
from training.datasets.timeline import join_in_time

if TYPE_CHECKING:
    from pathlib import Path

DATASET = "uci"
HOUSE = "Sceaux"
TIMEZONE = "Europe/Paris"
FILE_NAME = "household_power_consumption.txt"
HEADER = (
    "Date",
    "Time",
    "Global_active_power",
    "Global_reactive_power",
    "Voltage",
    "Global_intensity",
    "Sub_metering_1",
    "Sub_metering_2",
    "Sub_metering_3",
)
STANDARD_TIME_OFFSET_S = 3600.0
SAMPLE_PERIOD_S = 60.0
WH_PER_MINUTE_TO_W = 60.0

SUB_METERS: tuple[tuple[str, ApplianceKind], ...] = (
    (
        "Sub_metering_1 kitchen (dishwasher, oven, microwave)",
        ApplianceKind.KITCHEN_CIRCUIT,
    ),
    (
        "Sub_metering_2 laundry (washing machine, tumble dryer, refrigerator, light)",
        ApplianceKind.LAUNDRY_CIRCUIT,
    ),
    (
        "Sub_metering_3 electric water heater and air conditioner",
        ApplianceKind.STORAGE_WATER_HEATER,
    ),
)


def read_uci(path: Path, *, progress: bool = False) -> HouseRecording:
    """Read one copy of the UCI household power file as a house recording."""
    layout = TextLayout(
        delimiter=";", fields=len(HEADER), skip_fields=2, missing=("?", "")
    )
    with open_binary(path) as handle:
        check_header(path, handle.readline(), HEADER, delimiter=";")
        rows = read_numeric(
            path, layout, handle=handle, first_line=2, progress=progress, keep_text=True
        )
    assert rows.text is not None  # keep_text asks for it

    days = per_unique(
        rows.text[:, 0],
        rows.first_line,
        lambda text, line: naive_day_seconds(path, text, line, day_first=True),
    )
    clock = per_unique(
        rows.text[:, 1],
        rows.first_line,
        lambda text, line: clock_seconds(path, text, line),
    )
    timestamps = days + clock - STANDARD_TIME_OFFSET_S
    keep = keep_increasing(path, timestamps, rows.first_line)
    values = rows.values[:, keep] if not keep.all() else rows.values

    channels = tuple(
        channel_named(name, values[4 + index] * WH_PER_MINUTE_TO_W, kind)
        for index, (name, kind) in enumerate(SUB_METERS)
    )
    return HouseRecording(
        dataset=DATASET,
        house=HOUSE,
        timezone=TIMEZONE,
        timestamps_s=timestamps[keep] if not keep.all() else timestamps,
        aggregate_w=values[0] * 1000.0,
        channels=channels,
        source=path,
        sample_period_s=SAMPLE_PERIOD_S,
        max_hold_s=SAMPLE_PERIOD_S,
    )


def read_uci_copies(paths: list[Path], *, progress: bool = False) -> HouseRecording:
    """Read several copies or slices of the UCI file as one recording of the house."""
    return join_in_time([read_uci(path, progress=progress) for path in paths])
