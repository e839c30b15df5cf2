"""Turn the dates and wall-clock times datasets write into UTC epoch seconds."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from training.datasets.errors import DatasetError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_CLOCK = re.compile(r"(\d{2}):(\d{2}):(\d{2})")


def naive_day_seconds(path: Path, text: str, line: int, *, day_first: bool) -> int:
    """Return the naive epoch seconds of a d/m/yyyy (or m/d/yyyy) date at midnight."""
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match is None:
        raise DatasetError(path, f"not a date: {text[:20]!r}", line)
    first, second, year = (int(group) for group in match.groups())
    day, month = (first, second) if day_first else (second, first)
    try:
        return calendar.timegm((year, month, day, 0, 0, 0))
    except ValueError as err:
        raise DatasetError(path, f"not a date: {text!r}", line) from err


def clock_seconds(path: Path, text: str, line: int) -> int:
    """Return the seconds since midnight of an hh:mm:ss time."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise DatasetError(path, f"not a time of day: {text[:20]!r}", line)
    hours, minutes, seconds = (int(group) for group in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise DatasetError(path, f"not a time of day: {text!r}", line)
    return hours * 3600 + minutes * 60 + seconds


def per_unique(
    texts: np.ndarray,
    first_line: int,
    convert: Callable[[str, int], int],
) -> np.ndarray:
    """Convert a column of repeated strings, calling `convert` once per distinct value.

    `convert(text, line)` gets the line of the first row holding that text, so
    an error names a real line of the file.
    """
    if texts.size == 0:
        return np.empty(0, dtype=np.float64)
    unique, first_index, inverse = np.unique(
        texts, return_index=True, return_inverse=True
    )
    converted = np.array(
        [
            convert(str(text), first_line + int(index))
            for text, index in zip(unique, first_index, strict=True)
        ],
        dtype=np.float64,
    )
    return converted[inverse.reshape(-1)]


def local_midnight_utc(day: datetime, timezone: str) -> float:
    """Return the UTC epoch seconds of local midnight starting a calendar day."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC).timestamp()


def wall_clock_utc(naive_s: float, timezone: str, *, fold: int = 0) -> float | None:
    """Return UTC epoch seconds of a local wall-clock time, None if it never existed.

    `naive_s` is the wall-clock reading written as if it were UTC. A time
    skipped by a spring-forward change has no instant; `fold` picks the first
    (0) or second (1) pass through a repeated autumn hour.
    """
    zone = ZoneInfo(timezone)
    naive = datetime(1970, 1, 1) + timedelta(seconds=naive_s)
    local = naive.replace(tzinfo=zone, fold=fold)
    back = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        return None
    return local.astimezone(UTC).timestamp()


def local_seconds(timestamps_s: np.ndarray, timezone: str) -> np.ndarray:
    """Return each UTC instant as local wall-clock seconds since the epoch.

    `local // 86400` is then the local calendar day and `local % 86400` the
    time of day, with the DST rules applied. Offsets change only on the hour,
    so each distinct UTC hour is converted once.
    """
    times = np.asarray(timestamps_s, dtype=np.float64)
    if times.size == 0:
        return times.copy()
    hours = np.floor(times / 3600.0)
    unique, inverse = np.unique(hours, return_inverse=True)
    zone = ZoneInfo(timezone)
    offsets = np.empty(unique.size)
    for index, hour in enumerate(unique.tolist()):
        moment = datetime.fromtimestamp(hour * 3600.0, tz=UTC).astimezone(zone)
        offset = moment.utcoffset()
        offsets[index] = offset.total_seconds() if offset is not None else 0.0
    local: np.ndarray = times + offsets[inverse.reshape(-1)]
    return local
