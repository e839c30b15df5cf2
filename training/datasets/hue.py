"""Read HUE houses: hourly whole-house energy from British Columbia.

HUE (Makonin, Data in Brief 23:103744) gives one `Residential_N.csv` a house:
`date` (m/d/yyyy), `hour` (0-23, local wall clock, America/Vancouver) and
`energy_kWh` used during that hour. The reader turns each hour into its
average power in W, held over the hour. Wall-clock hours are placed with the
DST rules: an hour that a spring-forward change skipped has no instant and its
row is dropped (logged); a repeated autumn hour takes the second pass the
second time it appears.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import numpy as np

from training.datasets.clock import naive_day_seconds, per_unique, wall_clock_utc
from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording
from training.datasets.textfile import (
    TextLayout,
    check_header,
    keep_increasing,
    open_binary,
    read_numeric,
)

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

DATASET = "hue"
TIMEZONE = "America/Vancouver"
HEADER = ("date", "hour", "energy_kWh")
FILE_NAME = re.compile(r"Residential_(\d+)\.csv")
HOUR_S = 3600.0


def read_hue(path: Path, *, progress: bool = False) -> HouseRecording:
    """Read one HUE house file as a house recording of hourly average power."""
    match = FILE_NAME.fullmatch(path.name)
    house = f"Residential_{match.group(1)}" if match else path.stem
    layout = TextLayout(delimiter=",", fields=3, skip_fields=1, missing=("",))
    with open_binary(path) as handle:
        check_header(path, handle.readline(), HEADER, delimiter=",")
        rows = read_numeric(
            path, layout, handle=handle, first_line=2, progress=progress, keep_text=True
        )
    assert rows.text is not None  # keep_text asks for it

    hours = rows.values[0]
    bad = np.flatnonzero(~np.isin(hours, np.arange(24.0)))
    if bad.size:
        raise DatasetError(
            path, f"hour is not 0-23: {hours[bad[0]]!r}", rows.first_line + int(bad[0])
        )
    days = per_unique(
        rows.text[:, 0],
        rows.first_line,
        lambda text, line: naive_day_seconds(path, text, line, day_first=False),
    )
    naive = days + hours * HOUR_S
    timestamps, kept = _place_wall_clock(naive)
    skipped = naive.size - int(np.count_nonzero(kept))
    if skipped:
        _LOGGER.warning("%s: %s hours skipped by DST changes dropped", path, skipped)
    line_of_row = np.flatnonzero(kept) + rows.first_line
    energy = rows.values[1][kept]
    keep = keep_increasing(path, timestamps, rows.first_line)
    if not keep.all():
        raise DatasetError(path, "hour repeated", int(line_of_row[np.argmin(keep)]))

    return HouseRecording(
        dataset=DATASET,
        house=house,
        timezone=TIMEZONE,
        timestamps_s=timestamps,
        aggregate_w=energy * 1000.0,
        channels=(),
        source=path,
        sample_period_s=HOUR_S,
        max_hold_s=HOUR_S,
    )


def _place_wall_clock(naive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return UTC times of wall-clock hours and a mask of the hours that exist."""
    placed: list[float] = []
    kept = np.zeros(naive.size, dtype=bool)
    previous: float | None = None
    for index, value in enumerate(naive.tolist()):
        # A repeated autumn hour shows up as the same wall-clock hour twice.
        fold = 1 if previous is not None and value == previous else 0
        instant = wall_clock_utc(value, TIMEZONE, fold=fold)
        previous = value
        if instant is None:
            continue
        placed.append(instant)
        kept[index] = True
    return np.asarray(placed, dtype=np.float64), kept
