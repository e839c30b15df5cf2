"""Read ECO households: smart meter, plugs and occupancy, one CSV per day.

ECO (Beckel et al., BuildSys 2014; Kleiminger et al., UbiComp 2015) recorded
six Swiss households at 1 Hz. Per its documentation:

- `NN_sm_csv/[NN/]YYYY-MM-DD.csv`: 86,400 rows, one a second, of 16 comma-
  separated values, `powerallphases` (sum of real power, W) first, then
  per-phase power, currents, voltages and phase angles.
- `NN_plugs_csv/[NN/]PP/YYYY-MM-DD.csv`: 86,400 rows of one value, the real
  power (W) of plug PP.
- `NN_occupancy_csv/NN_summer.csv`, `NN_winter.csv`: a header line, then one
  line a day: the date (dd-Mon-yyyy) and 86,400 values, 1 occupied, 0 empty.

`-1` marks a missing measurement. Rows are read as seconds from local
midnight (Europe/Zurich): on the day clocks go forward the file's last hour
runs into the next day and is cut where the next day's file starts; on the
day they go back the hour after the file ends is missing. Seconds are
averaged over `period_s` (6 s by default, the pace of the other datasets;
a whole house at 1 Hz would not fit in memory), from whatever seconds were
measured in that period when at least half were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
import re
from typing import TYPE_CHECKING

import numpy as np

from training.datasets.clock import local_midnight_utc
from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording, channel_named
from training.datasets.textfile import (
    TextLayout,
    decode_line,
    open_binary,
    read_numeric,
)

if TYPE_CHECKING:
    from pathlib import Path

    from training.datasets.recording import Channel

DATASET = "eco"
TIMEZONE = "Europe/Zurich"
SECONDS_PER_DAY = 86_400
DEFAULT_PERIOD_S = 6
MISSING = -1.0
SMART_METER_FIELDS = 16

DAY_FILE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.csv")
SM_FOLDER = re.compile(r"(\d{2})_sm_csv")
PLUGS_FOLDER = re.compile(r"(\w+?)_plugs_csv")
OCCUPANCY_FOLDER = re.compile(r"(\d{2})_occupancy_csv")
OCCUPANCY_FILE = re.compile(r"(\d{2})_(summer|winter)\.csv")
PLUG_FOLDER = re.compile(r"\d{2}")
_OCCUPANCY_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS: tuple[str, ...] = ("jan", "feb", "mar", "apr", "may", "jun")
_MONTHS += ("jul", "aug", "sep", "oct", "nov", "dec")

# Plug numbers per household, as the ECO documentation names them.
PLUGS: dict[str, tuple[str, ...]] = {
    "01": (
        "Fridge",
        "Dryer",
        "Coffee machine",
        "Kettle",
        "Washing machine",
        "PC",
        "Freezer",
    ),
    "02": (
        "Tablet",
        "Dishwasher",
        "Air exhaust",
        "Fridge",
        "Entertainment",
        "Freezer",
        "Kettle",
        "Lamp",
        "Laptops",
        "Stove",
        "TV",
        "Stereo",
    ),
    "03": (
        "Tablet",
        "Freezer",
        "Coffee machine",
        "PC",
        "Fridge",
        "Kettle",
        "Entertainment",
    ),
    "04": (
        "Fridge",
        "Kitchen appliances",
        "Lamp",
        "Stereo and laptop",
        "Freezer",
        "Tablet",
        "Entertainment",
        "Microwave",
    ),
    "05": (
        "Tablet",
        "Coffee machine",
        "Fountain",
        "Microwave",
        "Fridge",
        "Entertainment",
        "PC",
        "Kettle",
    ),
    "06": (
        "Lamp",
        "Laptop",
        "Router",
        "Coffee machine",
        "Entertainment",
        "Fridge",
        "Freezer",
        "Kettle",
    ),
}


@dataclass(slots=True)
class EcoFiles:
    """Hold the files of one ECO household, sorted by role."""

    house: str
    smart_meter: list[Path] = field(default_factory=list)
    plugs: dict[str, list[Path]] = field(default_factory=dict)
    occupancy: list[Path] = field(default_factory=list)


def role_of(path: Path) -> tuple[str, str, str] | None:
    """Return (household, role, plug) for an ECO file path, or None.

    Role is "sm", "plug" or "occupancy"; plug is the plug number, "" when the
    folder does not say.
    """
    folders = [parent.name for parent in path.parents]
    if OCCUPANCY_FILE.fullmatch(path.name):
        for name in folders:
            if match := OCCUPANCY_FOLDER.fullmatch(name):
                return match.group(1), "occupancy", ""
        return None
    if not DAY_FILE.fullmatch(path.name):
        return None
    for index, name in enumerate(folders):
        if match := SM_FOLDER.fullmatch(name):
            return match.group(1), "sm", ""
        if match := PLUGS_FOLDER.fullmatch(name):
            plug = folders[0] if index > 0 and PLUG_FOLDER.fullmatch(folders[0]) else ""
            return match.group(1), "plug", plug
    return None


def group_files(paths: list[Path]) -> dict[str, EcoFiles]:
    """Sort ECO file paths into households."""
    households: dict[str, EcoFiles] = {}
    for path in sorted(paths):
        role = role_of(path)
        if role is None:
            continue
        house, kind, plug = role
        files = households.setdefault(house, EcoFiles(house=house))
        if kind == "sm":
            files.smart_meter.append(path)
        elif kind == "plug":
            files.plugs.setdefault(plug, []).append(path)
        else:
            files.occupancy.append(path)
    return households


def read_eco(
    files: EcoFiles,
    *,
    period_s: int = DEFAULT_PERIOD_S,
    progress: bool = False,
) -> HouseRecording:
    """Read one ECO household's day files as a house recording."""
    if SECONDS_PER_DAY % period_s:
        raise ValueError(f"period_s must divide a day, got {period_s}")
    smart_meter = {_day_of(path): path for path in files.smart_meter}
    plugs = {
        plug: {_day_of(path): path for path in paths}
        for plug, paths in sorted(files.plugs.items())
    }
    occupancy = _read_occupancy_files(files.occupancy)
    days = sorted(
        set(smart_meter)
        | {day for by_day in plugs.values() for day in by_day}
        | set(occupancy)
    )
    if not days:
        raise DatasetError(_first_path(files), "no ECO day in the occupancy files")
    grid = _DayGrid(days, period_s)

    aggregate = None
    if smart_meter:
        aggregate = grid.place(
            {
                day: _read_day(path, SMART_METER_FIELDS, progress=progress)
                for day, path in smart_meter.items()
            }
        )
    channels: list[Channel] = []
    names = PLUGS.get(files.house, ())
    for plug, by_day in plugs.items():
        power = grid.place(
            {day: _read_day(path, 1, progress=progress) for day, path in by_day.items()}
        )
        channels.append(_plug_channel(names, plug, power))
    return HouseRecording(
        dataset=DATASET,
        house=files.house,
        timezone=TIMEZONE,
        timestamps_s=grid.timestamps_s,
        aggregate_w=aggregate,
        channels=tuple(channels),
        source=_first_path(files).parent,
        sample_period_s=float(period_s),
        max_hold_s=float(period_s),
        occupancy=grid.place(occupancy) if occupancy else None,
    )


def _plug_channel(names: tuple[str, ...], plug: str, power: np.ndarray) -> Channel:
    """Name a plug channel from the household's plug list."""
    number = int(plug) if plug else 0
    if 1 <= number <= len(names):
        return channel_named(f"{plug} {names[number - 1]}", power)
    label = f"plug {plug}" if plug else "plug (household and appliance unknown)"
    return channel_named(label, power)


def _first_path(files: EcoFiles) -> Path:
    """Return any file of a household, to name it in messages."""
    for path in (
        *files.smart_meter,
        *(p for paths in files.plugs.values() for p in paths),
        *files.occupancy,
    ):
        return path
    raise ValueError(f"household {files.house} has no file")


def _day_of(path: Path) -> date:
    """Return the calendar day a YYYY-MM-DD.csv file holds."""
    match = DAY_FILE.fullmatch(path.name)
    if match is None:
        raise DatasetError(path, "not an ECO day file name (YYYY-MM-DD.csv)")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as err:
        raise DatasetError(path, "file name is not a real date") from err


def _read_day(path: Path, fields: int, *, progress: bool) -> np.ndarray:
    """Read the first column of one day file: a value a second, NaN where missing."""
    layout = TextLayout(delimiter=",", fields=fields)
    with open_binary(path) as handle:
        values = read_numeric(
            path, layout, handle=handle, first_line=1, progress=progress
        ).values[0]
    if values.size > SECONDS_PER_DAY:
        raise DatasetError(
            path,
            f"more than {SECONDS_PER_DAY} rows in a day file",
            SECONDS_PER_DAY + 1,
        )
    day: np.ndarray = np.where(values == MISSING, np.nan, values)
    return day


def _read_occupancy_files(paths: list[Path]) -> dict[date, np.ndarray]:
    """Read occupancy files: one line a day of 86,400 presence flags."""
    days: dict[date, np.ndarray] = {}
    for path in sorted(paths):
        with open_binary(path) as handle:
            header = decode_line(path, handle.readline(), 1).split(",")
            if len(header) != SECONDS_PER_DAY + 1:
                raise DatasetError(
                    path,
                    f"header has {len(header)} fields, expected {SECONDS_PER_DAY + 1}",
                    1,
                )
            for line_no, raw in enumerate(handle, start=2):
                text = decode_line(path, raw, line_no)
                if not text.strip():
                    continue
                day_text, _, flags = text.partition(",")
                day = _occupancy_date(path, day_text.strip(), line_no)
                days[day] = _occupancy_flags(path, flags, line_no)
    return days


def _occupancy_date(path: Path, text: str, line: int) -> date:
    """Parse a dd-Mon-yyyy occupancy date."""
    match = _OCCUPANCY_DATE.fullmatch(text)
    if match is None or match.group(2).lower() not in _MONTHS:
        raise DatasetError(path, f"not a dd-Mon-yyyy date: {text[:20]!r}", line)
    try:
        return date(
            int(match.group(3)),
            _MONTHS.index(match.group(2).lower()) + 1,
            int(match.group(1)),
        )
    except ValueError as err:
        raise DatasetError(path, f"not a real date: {text!r}", line) from err


def _occupancy_flags(path: Path, text: str, line: int) -> np.ndarray:
    """Parse one day's 86,400 occupancy flags (0 or 1)."""
    fields = text.split(",")
    if len(fields) != SECONDS_PER_DAY:
        raise DatasetError(
            path,
            f"expected {SECONDS_PER_DAY} flags after the date, found {len(fields)}",
            line,
        )
    flags = np.asarray([field.strip() for field in fields])
    valid = np.isin(flags, ("0", "1"))
    if not valid.all():
        column = int(np.argmin(valid)) + 2
        raise DatasetError(
            path, f"field {column} is not 0 or 1: {fields[column - 2][:20]!r}", line
        )
    present: np.ndarray = np.where(flags == "1", 1.0, 0.0)
    return present


class _DayGrid:
    """Lay calendar days end to end on one UTC timeline at `period_s`."""

    def __init__(self, days: list[date], period_s: int) -> None:
        self.period_s = period_s
        self.slots_per_day = SECONDS_PER_DAY // period_s
        starts = [
            local_midnight_utc(datetime(day.year, day.month, day.day), TIMEZONE)
            for day in days
        ]
        self.offsets: dict[date, tuple[int, int]] = {}
        pieces: list[np.ndarray] = []
        position = 0
        for index, (day, start) in enumerate(zip(days, starts, strict=True)):
            end = start + SECONDS_PER_DAY
            if index + 1 < len(days):
                end = min(end, starts[index + 1])
            slots = int((end - start) // period_s)
            pieces.append(start + np.arange(slots, dtype=np.float64) * period_s)
            self.offsets[day] = (position, slots)
            position += slots
        self.timestamps_s = np.concatenate(pieces)

    def place(self, by_day: dict[date, np.ndarray]) -> np.ndarray:
        """Average each day's per-second values into the grid, NaN elsewhere."""
        out = np.full(self.timestamps_s.size, np.nan)
        for day, seconds in by_day.items():
            position, slots = self.offsets[day]
            full = np.full(SECONDS_PER_DAY, np.nan)
            full[: seconds.size] = seconds
            blocks = full.reshape(self.slots_per_day, self.period_s)
            measured = ~np.isnan(blocks)
            count = measured.sum(axis=1)
            total = np.where(measured, blocks, 0.0).sum(axis=1)
            enough = count * 2 >= self.period_s
            mean = np.divide(
                total, count, out=np.full(count.shape, np.nan), where=enough
            )
            out[position : position + slots] = mean[:slots]
        return out
