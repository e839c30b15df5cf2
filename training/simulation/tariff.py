"""Say when the off-peak tariff period runs, from a daily schedule in local time."""

from __future__ import annotations

from dataclasses import dataclass
import re

import numpy as np

from training.datasets.clock import local_seconds

SECONDS_PER_DAY = 86_400.0
_WINDOW = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


@dataclass(frozen=True, slots=True)
class OffPeakSchedule:
    """Hold the daily off-peak windows as (start, end) local seconds of the day.

    A window may run past midnight (22:00-06:00). French off-peak contracts
    give eight hours a day, in one night window or split into a night and an
    afternoon window.
    """

    windows: tuple[tuple[float, float], ...]

    @classmethod
    def parse(cls, text: str) -> OffPeakSchedule:
        """Parse windows written "22:00-06:00" or "01:30-07:30,12:30-14:30"."""
        windows: list[tuple[float, float]] = []
        for part in text.split(","):
            match = _WINDOW.fullmatch(part.strip())
            if match is None:
                raise ValueError(f"off-peak window must read HH:MM-HH:MM, got {part!r}")
            start_h, start_m, end_h, end_m = (int(value) for value in match.groups())
            if max(start_h, end_h) > 24 or max(start_m, end_m) > 59:
                raise ValueError(f"off-peak window {part!r} is not within a day")
            start = start_h * 3600.0 + start_m * 60.0
            end = end_h * 3600.0 + end_m * 60.0
            if start == end:
                raise ValueError(f"empty off-peak window {part!r}")
            windows.append((start, end))
        return cls(tuple(windows))

    def contains(self, seconds_of_day: np.ndarray) -> np.ndarray:
        """Tell, for local seconds of the day, whether off-peak is running."""
        inside = np.zeros(np.shape(seconds_of_day), dtype=bool)
        for start, end in self.windows:
            if start < end:
                inside |= (seconds_of_day >= start) & (seconds_of_day < end)
            else:
                inside |= (seconds_of_day >= start) | (seconds_of_day < end)
        return inside

    def off_peak(self, timestamps_s: np.ndarray, timezone: str) -> np.ndarray:
        """Tell, for UTC instants, whether off-peak is running at the house."""
        local = local_seconds(timestamps_s, timezone)
        return self.contains(np.mod(local, SECONDS_PER_DAY))


NIGHT_OFF_PEAK = OffPeakSchedule.parse("22:00-06:00")
