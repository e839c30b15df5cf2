"""Find the minutes whose label can be trusted to fit on.

Sub-meter labels only see the monitored appliances. When the rest of the
house (aggregate minus every channel) draws much more than its own quiet
level, something unmonitored is running: an electric shower, a hob, the
lights, or a heater. Whether a person is active then is unknown, so such
minutes teach the model nothing reliable when labelled inactive. They stay
in every score (the labels are what they are); they are only left out of the
fit, unless an activity appliance is on, which makes the label certain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.windows import local_clock

if TYPE_CHECKING:
    from training.datasets import HouseRecording

__all__ = ["UNEXPLAINED_LOAD_W", "unexplained_load"]

UNEXPLAINED_LOAD_W = 300.0
QUIET_PERCENTILE = 5.0


def unexplained_load(
    recording: HouseRecording, minute_starts_s: np.ndarray
) -> np.ndarray:
    """Return, per minute, the unmonitored power above its own quiet level (W).

    The remainder is the aggregate minus the sum of every channel, averaged
    over the samples that fall in each minute; its quiet level is the local
    day's 5th percentile. NaN where the minute has no sample.
    """
    starts = np.asarray(minute_starts_s, dtype=np.float64)
    out = np.full(starts.size, np.nan)
    if recording.aggregate_w is None or starts.size == 0:
        return out
    monitored = np.zeros(recording.timestamps_s.size)
    for channel in recording.channels:
        monitored += np.nan_to_num(channel.power_w, nan=0.0)
    remainder = recording.aggregate_w - monitored

    rows = np.rint((np.floor(recording.timestamps_s / 60.0) * 60.0 - starts[0]) / 60.0)
    rows = rows.astype(np.int64)
    usable = (rows >= 0) & (rows < starts.size) & np.isfinite(remainder)
    totals = np.bincount(rows[usable], weights=remainder[usable], minlength=starts.size)
    counts = np.bincount(rows[usable], minlength=starts.size)
    seen = counts > 0
    out[seen] = totals[seen] / counts[seen]

    days = local_clock(starts, recording.timezone).day
    for day in np.unique(days):
        members = (days == day) & seen
        if members.any():
            out[members] -= np.percentile(out[members], QUIET_PERCENTILE)
    return out
