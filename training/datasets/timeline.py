"""Put series recorded on different clocks onto one timeline, holding values."""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING

import numpy as np

from training.datasets.errors import DatasetError

if TYPE_CHECKING:
    from training.datasets.recording import HouseRecording


def hold_onto(
    base_s: np.ndarray,
    times_s: np.ndarray,
    values: np.ndarray,
    max_hold_s: float,
) -> np.ndarray:
    """Sample a held series at `base_s`, NaN where no reading is recent enough.

    A reading taken at `times_s[i]` stands for the series until the next
    reading, but never longer than `max_hold_s`: beyond that the sensor was
    silent and the value is missing, not repeated.
    """
    index = np.searchsorted(times_s, base_s, side="right") - 1
    valid = index >= 0
    safe = np.where(valid, index, 0)
    if times_s.size:
        valid &= (base_s - times_s[safe]) < max_hold_s
        out = np.where(valid, values[safe] if values.size else np.nan, np.nan)
    else:
        out = np.full(base_s.shape, np.nan)
    return out.astype(np.float64, copy=False)


def merge_timelines(*timelines: np.ndarray) -> np.ndarray:
    """Return the sorted union of several timestamp arrays."""
    if not timelines:
        return np.empty(0, dtype=np.float64)
    return np.unique(np.concatenate(timelines)).astype(np.float64, copy=False)


def join_in_time(recordings: list[HouseRecording]) -> HouseRecording:
    """Join recordings of one house that cover separate stretches of time."""
    ordered = sorted(recordings, key=lambda recording: float(recording.timestamps_s[0]))
    first = ordered[0]
    if len(ordered) == 1:
        return first
    for earlier, later in itertools.pairwise(ordered):
        if later.timestamps_s[0] <= earlier.timestamps_s[-1]:
            raise DatasetError(later.source, f"overlaps {earlier.source} in time")
        if [c.name for c in later.channels] != [c.name for c in first.channels]:
            raise DatasetError(later.source, f"channels differ from {first.source}")
    aggregates = [recording.aggregate_w for recording in ordered]
    channels = tuple(
        dataclasses.replace(
            channel,
            power_w=np.concatenate(
                [recording.channels[index].power_w for recording in ordered]
            ),
        )
        for index, channel in enumerate(first.channels)
    )
    return dataclasses.replace(
        first,
        timestamps_s=np.concatenate([r.timestamps_s for r in ordered]),
        aggregate_w=None
        if any(aggregate is None for aggregate in aggregates)
        else np.concatenate([a for a in aggregates if a is not None]),
        channels=channels,
    )
