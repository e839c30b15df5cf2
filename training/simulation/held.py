"""Treat a recording's series as the step function it stands for: held, integrable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.labels.intervals import sample_spans

if TYPE_CHECKING:
    from training.datasets.recording import HouseRecording


class HeldSeries:
    """Hold one series of a recording: each value stands until its span ends.

    A sample stands from its timestamp until the next one, or `max_hold_s`
    at most; NaN samples and the time between spans count as nothing
    delivered.
    """

    def __init__(self, recording: HouseRecording, values: np.ndarray) -> None:
        self.times = recording.timestamps_s
        self.ends = sample_spans(
            self.times, recording.max_hold_s, recording.sample_period_s
        )
        self.values = values
        self.power = np.nan_to_num(values, nan=0.0)
        per_sample = self.power * (self.ends - self.times)
        self.cumulative = np.concatenate([[0.0], np.cumsum(per_sample)])

    def value_at(self, moments: np.ndarray) -> np.ndarray:
        """Return the value standing at each moment, NaN outside every span."""
        index = np.searchsorted(self.times, moments, side="right") - 1
        safe = np.maximum(index, 0)
        inside = (index >= 0) & (moments < self.ends[safe])
        held: np.ndarray = np.where(inside, self.values[safe], np.nan)
        return held

    def joules_before(self, moments: np.ndarray) -> np.ndarray:
        """Return the energy delivered from the first sample up to each moment."""
        index = np.searchsorted(self.times, moments, side="right") - 1
        safe = np.maximum(index, 0)
        span = self.ends[safe] - self.times[safe]
        partial = np.clip(moments - self.times[safe], 0.0, span)
        joules: np.ndarray = np.where(
            index >= 0, self.cumulative[safe] + self.power[safe] * partial, 0.0
        )
        return joules
