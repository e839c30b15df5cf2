"""Hold one house's scoring windows at one resolution, and build their clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

__all__ = ["LocalClock", "WindowTable", "local_clock"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalClock:
    """Hold the local wall-clock hour and calendar day of each window start."""

    hour: np.ndarray
    day: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowTable:
    """Hold what every detector sees and what is scored, for one house.

    Windows are regular (`window_s` apart, starting at `starts_s`, UTC epoch
    seconds). `power` is the meter's view averaged over each window (VA at one
    minute, the load curve's W at thirty minutes), NaN where the meter was
    silent. `scored` is false where labels are masked or the input is missing.
    `features` has one row a window (the detector's input); `variant` names
    the meter view or augmentation the table was built from; `trusted`, when
    known, marks the windows whose label is reliable enough to fit on.
    """

    dataset: str
    house: str
    resolution: str
    window_s: float
    timezone: str
    starts_s: np.ndarray
    clock: LocalClock
    power: np.ndarray
    features: np.ndarray
    labels: np.ndarray
    scored: np.ndarray
    episode_starts_s: np.ndarray
    episode_ends_s: np.ndarray
    variant: str = "meter"
    trusted: np.ndarray | None = None

    @property
    def key(self) -> str:
        """Return the house's name, unique across datasets."""
        return f"{self.dataset}/{self.house}"

    @property
    def days(self) -> float:
        """Return how many days of windows the table scores."""
        return float(np.count_nonzero(self.scored)) * self.window_s / 86_400.0


def local_clock(starts_s: np.ndarray, timezone: str) -> LocalClock:
    """Return the local hour (fractional) and day number of each window start.

    Daylight-saving changes are applied per window, so a day window that says
    07:00 means 07:00 on the house's wall clock in summer and winter alike.
    """
    zone = ZoneInfo(timezone)
    hours = np.empty(len(starts_s), dtype=np.float64)
    days = np.empty(len(starts_s), dtype=np.int64)
    # Converting each distinct UTC offset once keeps this fast over long series.
    offsets: dict[int, float] = {}
    for index, start in enumerate(np.asarray(starts_s, dtype=np.float64)):
        hour_key = int(start // 3600)
        offset = offsets.get(hour_key)
        if offset is None:
            moment = datetime.fromtimestamp(hour_key * 3600, tz=UTC).astimezone(zone)
            utc_offset = moment.utcoffset()
            offset = utc_offset.total_seconds() if utc_offset is not None else 0.0
            offsets[hour_key] = offset
        local = start + offset
        days[index] = int(local // 86_400)
        hours[index] = (local % 86_400) / 3600.0
    return LocalClock(hour=hours, day=days)
