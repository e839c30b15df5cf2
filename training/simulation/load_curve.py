"""Compute the utility's load curve: average active power per half hour.

Enedis publishes a home's load curve as the mean active power (W) of each
30-minute slot, aligned on the half hour. A slot is given only where the
dataset measured at least `min_coverage` of it; its mean is taken over the
measured time (NaN otherwise), so a gap is never filled with a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from training.labels.intervals import sample_spans, where_true
from training.simulation.held import HeldSeries

if TYPE_CHECKING:
    from training.datasets.recording import HouseRecording

SLOT_S = 1800.0


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadCurve:
    """Hold half-hour slot starts (UTC s) and each slot's mean active power."""

    starts_s: np.ndarray
    mean_w: np.ndarray


def load_curve(recording: HouseRecording, *, min_coverage: float = 0.9) -> LoadCurve:
    """Return the 30-minute load curve of a recording's aggregate."""
    if recording.aggregate_w is None:
        raise ValueError(f"{recording.dataset}/{recording.house} has no aggregate")
    times = recording.timestamps_s
    if times.size == 0:
        return LoadCurve(starts_s=np.empty(0), mean_w=np.empty(0))
    ends = sample_spans(times, recording.max_hold_s, recording.sample_period_s)
    held = HeldSeries(recording, recording.aggregate_w)

    first = np.floor(times[0] / SLOT_S) * SLOT_S
    count = int(np.ceil((ends[-1] - first) / SLOT_S))
    starts = first + SLOT_S * np.arange(count, dtype=np.float64)
    bounds = np.concatenate([starts, [starts[-1] + SLOT_S]])

    energy = held.joules_before(bounds)
    covered = where_true(np.isfinite(recording.aggregate_w), times, ends)
    seconds = covered.covered_before(bounds)
    slot_energy = np.diff(energy)
    slot_seconds = np.diff(seconds)
    enough = slot_seconds >= min_coverage * SLOT_S
    mean = np.divide(
        slot_energy,
        slot_seconds,
        out=np.full(count, np.nan),
        where=enough,
    )
    return LoadCurve(starts_s=starts, mean_w=mean)
