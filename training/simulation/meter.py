"""Replay a dataset's aggregate as the Linky would report it, frame by frame.

The meter samples the home's power at its own pace: historical mode sends a
frame every 1.5-2.5 s with apparent power rounded to 10 VA, standard mode
about every second with apparent power to the VA. Between dataset samples the
power is held (the dataset's last reading), never interpolated, so no step is
invented; where the dataset is silent the meter reading is NaN. The energy
indexes integrate the held active power exactly, split between the peak and
off-peak indexes by the tariff period running at the house's local time.
Output comes in chunks of `chunk_s` seconds, so a year of readings never
sits in memory at once; the same seed gives the same readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from custom_components.linky_activity.tic.frame import TicMode
from training.simulation.held import HeldSeries
from training.simulation.power_factor import PowerFactorModel
from training.simulation.tariff import NIGHT_OFF_PEAK, OffPeakSchedule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from training.datasets.recording import HouseRecording

WH_S = 3600.0
# Frame intervals (s): historical frames take 1.5-2.5 s at 1200 baud; a
# standard frame at 9600 baud comes about every second.
PACE_S: dict[TicMode, tuple[float, float]] = {
    TicMode.HISTORICAL: (1.5, 2.5),
    TicMode.STANDARD: (0.9, 1.1),
}
STEP_VA: dict[TicMode, float] = {TicMode.HISTORICAL: 10.0, TicMode.STANDARD: 1.0}
DEFAULT_CHUNK_S = 6 * 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterConfig:
    """Hold how the simulated meter reports: mode, tariff schedule, chunking.

    `off_peak` None means a single-rate (base) contract: every watt-hour goes
    to the peak index.
    """

    mode: TicMode = TicMode.HISTORICAL
    off_peak: OffPeakSchedule | None = field(default=NIGHT_OFF_PEAK)
    chunk_s: float = DEFAULT_CHUNK_S


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterChunk:
    """Hold consecutive meter readings.

    `apparent_power_va` is what the frame shows (rounded to the mode's step),
    `active_power_w` the dataset's held value behind it; both NaN where the
    dataset is silent. Indexes are in Wh, whole numbers as the meter shows.
    """

    timestamps_s: np.ndarray
    apparent_power_va: np.ndarray
    active_power_w: np.ndarray
    off_peak: np.ndarray
    index_off_peak_wh: np.ndarray
    index_peak_wh: np.ndarray

    @property
    def index_total_wh(self) -> np.ndarray:
        """Return the total active energy index."""
        total: np.ndarray = self.index_off_peak_wh + self.index_peak_wh
        return total


def simulate_meter(
    recording: HouseRecording,
    *,
    seed: int,
    config: MeterConfig | None = None,
) -> Iterator[MeterChunk]:
    """Yield the meter's readings over a recording, chunk by chunk."""
    if recording.aggregate_w is None:
        raise ValueError(f"{recording.dataset}/{recording.house} has no aggregate")
    settings = config or MeterConfig()
    if recording.timestamps_s.size == 0:
        return
    rng = np.random.default_rng(seed)
    model = PowerFactorModel.draw(rng)
    energy = HeldSeries(recording, recording.aggregate_w)
    low, high = PACE_S[settings.mode]
    step_va = STEP_VA[settings.mode]

    start = float(recording.timestamps_s[0])
    stop = float(energy.ends[-1])
    # The meter was counting long before the dataset began.
    off_peak_j, peak_j = rng.uniform(5e6, 4e7, size=2) * WH_S
    moment = start
    last_joules = 0.0
    last_off_peak = False
    while moment < stop:
        chunk_end = min(moment + settings.chunk_s, stop)
        count = int((chunk_end - moment) / low) + 2
        steps = rng.uniform(low, high, size=count)
        moments = moment + np.concatenate([[0.0], np.cumsum(steps[:-1])])
        moments = moments[moments < chunk_end]
        if moments.size == 0:
            break
        active = energy.value_at(moments)
        apparent = np.round(model.apparent(active, rng) / step_va) * step_va
        off_peak = (
            settings.off_peak.off_peak(moments, recording.timezone)
            if settings.off_peak is not None
            else np.zeros(moments.size, dtype=bool)
        )

        joules = energy.joules_before(moments)
        steps_j = np.diff(np.concatenate([[last_joules], joules]))
        # Energy between two readings goes to the period running at the first.
        period = np.concatenate([[last_off_peak], off_peak[:-1]])
        off_cumulative = off_peak_j + np.cumsum(np.where(period, steps_j, 0.0))
        peak_cumulative = peak_j + np.cumsum(np.where(period, 0.0, steps_j))
        off_peak_j, peak_j = float(off_cumulative[-1]), float(peak_cumulative[-1])
        last_joules = float(joules[-1])
        last_off_peak = bool(off_peak[-1])

        yield MeterChunk(
            timestamps_s=moments,
            apparent_power_va=apparent,
            active_power_w=active,
            off_peak=off_peak,
            index_off_peak_wh=np.floor(off_cumulative / WH_S).astype(np.int64),
            index_peak_wh=np.floor(peak_cumulative / WH_S).astype(np.int64),
        )
        moment = float(moments[-1]) + float(steps[moments.size - 1])
