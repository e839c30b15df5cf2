"""Read a plain whole-house power log: a CSV with `timestamp,power` columns.

For any meter log that is not one of the public datasets: a header line
`timestamp,power` (or `timestamp,power_w`), then one reading a line, power in
W, empty for a missing reading. Timestamps are either UTC epoch seconds or
ISO 8601 date-times; an ISO time without an offset is read in `timezone`.
A reading holds until the next one, but never longer than five times the
typical step: a longer silence is a gap.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, BinaryIO
from zoneinfo import ZoneInfo

import numpy as np

from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording
from training.datasets.textfile import (
    TextLayout,
    decode_line,
    keep_increasing,
    open_binary,
    parse_fields,
    read_numeric,
)

if TYPE_CHECKING:
    from pathlib import Path

DATASET = "generic"
HEADERS = (("timestamp", "power"), ("timestamp", "power_w"))
HOLD_STEPS = 5.0


def read_generic_csv(
    path: Path,
    *,
    timezone: str = "UTC",
    progress: bool = False,
) -> HouseRecording:
    """Read a `timestamp,power` CSV file as a house recording without channels."""
    layout = TextLayout(delimiter=",", fields=2, missing=("",))
    with open_binary(path) as handle:
        header = decode_line(path, handle.readline(), 1)
        names = tuple(name.strip().lower() for name in header.split(","))
        if names not in HEADERS:
            raise DatasetError(
                path,
                f"unexpected header {header[:60]!r}, expected 'timestamp,power'",
                1,
            )
        start = handle.tell()
        first = handle.readline()
        handle.seek(start)
        if _is_epoch(first):
            rows = read_numeric(
                path, layout, handle=handle, first_line=2, progress=progress
            )
            times, power = rows.values
        else:
            times, power = _read_iso_rows(path, handle, layout, ZoneInfo(timezone))
    keep = keep_increasing(path, times, 2)
    if not keep.all():
        times, power = times[keep], power[keep]
    step = float(np.median(np.diff(times))) if times.size > 1 else 1.0
    return HouseRecording(
        dataset=DATASET,
        house=path.stem,
        timezone=timezone,
        timestamps_s=times,
        aggregate_w=power,
        channels=(),
        source=path,
        sample_period_s=step,
        max_hold_s=HOLD_STEPS * step,
    )


def _is_epoch(line: bytes) -> bool:
    """Tell whether a data line starts with a number rather than a date."""
    head = line.split(b",", 1)[0].strip()
    try:
        float(head)
    except ValueError:
        return False
    return True


def _read_iso_rows(
    path: Path,
    handle: BinaryIO,
    layout: TextLayout,
    zone: ZoneInfo,
) -> tuple[np.ndarray, np.ndarray]:
    """Read lines whose timestamp is an ISO 8601 date-time."""
    times: list[float] = []
    power: list[float] = []
    power_only = TextLayout(
        delimiter=",", fields=2, skip_fields=1, missing=layout.missing
    )
    for line_no, raw in enumerate(handle, start=2):
        text = decode_line(path, raw, line_no)
        if not text.strip():
            continue
        stamp = text.split(",", 1)[0].strip()
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError as err:
            raise DatasetError(
                path, f"not a date-time: {stamp[:40]!r}", line_no
            ) from err
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        times.append(moment.astimezone(UTC).timestamp())
        power.append(parse_fields(path, power_only, text, line_no)[0])
    return np.asarray(times, dtype=np.float64), np.asarray(power, dtype=np.float64)
