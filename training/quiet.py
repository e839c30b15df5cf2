"""Inject quiet periods into a recording: hours of a day replaced by its own night.

The alert figures need periods where nobody is active for certain. Taking
them from the home's own night keeps what a quiet home really shows (fridge
cycles, standby, the level it sits at) instead of an invented flat line.
The aggregate is replaced before the meter is simulated, so the apparent
power, the energy index and the load curve all agree inside the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from training.appliances import ApplianceClass

if TYPE_CHECKING:
    from training.datasets import HouseRecording

__all__ = ["GAP_HOURS", "GAP_START_HOUR", "QuietRecording", "inject_quiet_gaps"]

GAP_START_HOUR = 10
GAP_HOURS = 5
# The night segment copied into the gap is the quietest five-hour stretch
# starting at one of these local hours, so a water heater switched on at the
# start of off-peak is left out when the home has a quieter stretch.
NIGHT_START_HOURS = (0, 1, 2)
# The night copied in must cover most of the gap, else the day is skipped.
MIN_NIGHT_COVERAGE = 0.8


@dataclass(frozen=True, slots=True)
class QuietRecording:
    """Hold a recording with injected quiet periods and where they are (UTC s)."""

    recording: HouseRecording
    gaps_s: tuple[tuple[float, float], ...]


def _local_midnights(recording: HouseRecording) -> list[datetime]:
    """Return the local midnight of each calendar day the recording touches."""
    zone = ZoneInfo(recording.timezone)
    first = datetime.fromtimestamp(float(recording.timestamps_s[0]), tz=UTC)
    last = datetime.fromtimestamp(float(recording.timestamps_s[-1]), tz=UTC)
    day = first.astimezone(zone).date()
    end = last.astimezone(zone).date()
    midnights = []
    while day <= end:
        midnights.append(datetime(day.year, day.month, day.day, tzinfo=zone))
        day += timedelta(days=1)
    return midnights


def _held_values(
    recording: HouseRecording, values: np.ndarray, moments: np.ndarray
) -> np.ndarray:
    """Return the sample-and-hold value at each moment, NaN in recording gaps."""
    times = recording.timestamps_s
    index = np.searchsorted(times, moments, side="right") - 1
    valid = index >= 0
    index = np.maximum(index, 0)
    held = np.where(valid, values[index], np.nan)
    too_old = moments - times[index] >= recording.max_hold_s
    return np.where(too_old, np.nan, held)


def _quietest_night(
    recording: HouseRecording, midnight: datetime, aggregate: np.ndarray
) -> float | None:
    """Return the UTC start of the day's quietest night stretch, if well covered."""
    best: tuple[float, float] | None = None
    step = recording.sample_period_s
    for hour in NIGHT_START_HOURS:
        start = (midnight + timedelta(hours=hour)).timestamp()
        moments = np.arange(start, start + GAP_HOURS * 3600.0, step)
        values = _held_values(recording, aggregate, moments)
        known = ~np.isnan(values)
        if known.mean() < MIN_NIGHT_COVERAGE:
            continue
        level = float(values[known].mean())
        if best is None or level < best[0]:
            best = (level, start)
    return None if best is None else best[1]


def inject_quiet_gaps(recording: HouseRecording) -> QuietRecording:
    """Replace 10:00-15:00 local of each day by the quietest stretch of its night.

    Activity, start-only and ambiguous channels read zero inside the gap (a
    quiet home), background channels are left as recorded. Days whose night
    or gap is not covered by the recording are left unchanged.
    """
    if recording.aggregate_w is None or recording.timestamps_s.size == 0:
        return QuietRecording(recording, ())
    times = recording.timestamps_s
    aggregate = recording.aggregate_w.copy()
    silenced = np.zeros(times.size, dtype=bool)
    gaps: list[tuple[float, float]] = []
    for midnight in _local_midnights(recording):
        gap_start = (midnight + timedelta(hours=GAP_START_HOUR)).timestamp()
        gap_end = gap_start + GAP_HOURS * 3600.0
        inside = (times >= gap_start) & (times < gap_end)
        if not inside.any() or times[0] > gap_start or times[-1] < gap_end:
            continue
        night_start = _quietest_night(recording, midnight, recording.aggregate_w)
        if night_start is None:
            continue
        source = times[inside] - gap_start + night_start
        aggregate[inside] = _held_values(recording, recording.aggregate_w, source)
        silenced |= inside
        gaps.append((gap_start, gap_end))

    channels = tuple(
        channel
        if channel.appliance_class is ApplianceClass.BACKGROUND
        else replace(channel, power_w=np.where(silenced, 0.0, channel.power_w))
        for channel in recording.channels
    )
    quiet = replace(recording, aggregate_w=aggregate, channels=channels)
    return QuietRecording(quiet, tuple(gaps))
