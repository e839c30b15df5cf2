"""Add the French background the public datasets lack, so it is learnt as no activity.

Three loads, all driven by a clock or a thermostat, never by a person:

- a storage water heater (1.5-3 kW, resistive), switched on by the meter's
  off-peak contact when off-peak starts, running until its thermostat cuts:
  one to four hours a day, longer in winter (colder inlet water);
- thermostat-cycled electric convectors (1-2 kW each): on a few minutes, off
  a few minutes, through the heating season, with a higher duty cycle in the
  cold of the night and early morning;
- optionally a heat pump that ramps up and down rather than stepping.

Each load is a step function of time; its mean over every sample's span is
added to the aggregate, and it is added as a background channel, so the
activity labels do not change. The same seed gives the same home.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from training.appliances import ApplianceKind
from training.datasets.clock import local_seconds
from training.datasets.recording import channel_named
from training.labels.intervals import sample_spans
from training.simulation.tariff import NIGHT_OFF_PEAK, OffPeakSchedule

if TYPE_CHECKING:
    from training.datasets.recording import HouseRecording

SECONDS_PER_DAY = 86_400.0
HOUR_S = 3600.0
MINUTE_S = 60.0
# Coldest around mid-January in the northern hemisphere.
COLDEST_DAY_OF_YEAR = 15
# Convectors stay off when the season is milder than this.
HEATING_SEASON_COLD = 0.35


@dataclass(frozen=True, slots=True, kw_only=True)
class BackgroundConfig:
    """Choose which background loads to add, and the home's off-peak schedule."""

    water_heater: bool = True
    convectors: bool = True
    heat_pump: bool = False
    off_peak: OffPeakSchedule = NIGHT_OFF_PEAK


@dataclass(frozen=True, slots=True)
class StepLoad:
    """Hold a load as a step function: `levels[k]` W from `edges[k]` to `edges[k+1]`."""

    edges: np.ndarray
    levels: np.ndarray

    @classmethod
    def from_runs(
        cls, starts: list[float], ends: list[float], power: list[float]
    ) -> StepLoad:
        """Build a load from non-overlapping runs at constant power, off between."""
        if not starts:
            return cls(np.array([0.0, 1.0]), np.array([0.0]))
        order = np.argsort(starts)
        edges: list[float] = []
        levels: list[float] = []
        for index in order.tolist():
            if edges and starts[index] < edges[-1]:
                continue
            if edges:
                levels.append(0.0)
            edges.extend((starts[index], ends[index]))
            levels.append(power[index])
        return cls(np.asarray(edges), np.asarray(levels))

    def mean_over(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Return the load's mean power over each [start, end)."""
        joules = np.concatenate([[0.0], np.cumsum(self.levels * np.diff(self.edges))])

        def before(moments: np.ndarray) -> np.ndarray:
            index = np.clip(
                np.searchsorted(self.edges, moments, side="right") - 1, 0, None
            )
            index = np.minimum(index, self.levels.size - 1)
            inside = np.clip(moments - self.edges[index], 0.0, None)
            spent = joules[index] + self.levels[index] * np.minimum(
                inside, self.edges[index + 1] - self.edges[index]
            )
            result: np.ndarray = np.where(moments <= self.edges[0], 0.0, spent)
            return result

        width = ends - starts
        mean: np.ndarray = np.divide(
            before(ends) - before(starts),
            width,
            out=np.zeros(width.shape),
            where=width > 0,
        )
        return mean


def coldness(timestamps_s: np.ndarray) -> np.ndarray:
    """Return how deep in winter each moment is: 1 in mid-January, 0 in mid-July."""
    day_of_year = (timestamps_s / SECONDS_PER_DAY) % 365.25
    # Day 0 of the epoch is January 1st, so this is the day of the year.
    phase = 2 * np.pi * (day_of_year - COLDEST_DAY_OF_YEAR) / 365.25
    cold: np.ndarray = 0.5 + 0.5 * np.cos(phase)
    return cold


def water_heater(
    start_s: float,
    end_s: float,
    timezone: str,
    schedule: OffPeakSchedule,
    rng: np.random.Generator,
) -> StepLoad:
    """Simulate a storage water heater on the off-peak contact."""
    power = float(rng.uniform(1500.0, 3000.0))
    starts: list[float] = []
    ends: list[float] = []
    for midnight in _local_midnights(start_s, end_s, timezone):
        cold = float(coldness(np.array([midnight.timestamp()]))[0])
        need = float(np.clip((1.0 + 2.5 * cold) * rng.uniform(0.8, 1.2), 1.0, 4.0))
        need *= HOUR_S
        for window_start, window_end in sorted(schedule.windows):
            if need <= 0:
                break
            # Wall-clock arithmetic: off-peak starts at 22:00 on DST days too.
            on = (midnight + timedelta(seconds=window_start)).timestamp()
            length = (window_end - window_start) % SECONDS_PER_DAY
            run = min(need, length)
            starts.append(on)
            ends.append(on + run)
            need -= run
    return StepLoad.from_runs(starts, ends, [power] * len(starts))


def convectors(
    start_s: float,
    end_s: float,
    timezone: str,
    rng: np.random.Generator,
) -> StepLoad:
    """Simulate thermostat-cycled convectors through the heating season."""
    starts: list[float] = []
    ends: list[float] = []
    powers: list[float] = []
    for _ in range(int(rng.integers(1, 4))):
        power = float(rng.uniform(1000.0, 2000.0))
        moment = start_s + float(rng.uniform(0.0, 20 * MINUTE_S))
        while moment < end_s:
            period = float(rng.uniform(8.0, 20.0)) * MINUTE_S
            duty = _duty(moment, timezone)
            if duty > 0:
                on = duty * period * float(rng.uniform(0.85, 1.15))
                starts.append(moment)
                ends.append(moment + min(on, period))
                powers.append(power)
            moment += period
    return _summed(starts, ends, powers)


def heat_pump(
    start_s: float,
    end_s: float,
    timezone: str,
    rng: np.random.Generator,
) -> StepLoad:
    """Simulate a heat pump: long runs that ramp up, hold and ramp down."""
    ceiling = float(rng.uniform(1500.0, 3000.0))
    edges: list[float] = [start_s]
    levels: list[float] = []
    moment = start_s
    while moment < end_s:
        cold = float(coldness(np.array([moment]))[0])
        if cold < HEATING_SEASON_COLD:
            levels.append(0.0)
            moment += HOUR_S
            edges.append(moment)
            continue
        target = ceiling * (0.3 + 0.7 * cold) * _night_factor(moment, timezone) / 1.3
        run_minutes = int(rng.integers(30, 91))
        ramp = int(rng.integers(3, 6))
        for minute in range(run_minutes):
            rise = min(1.0, (minute + 1) / ramp, (run_minutes - minute) / ramp)
            levels.append(target * rise)
            moment += MINUTE_S
            edges.append(moment)
        levels.append(0.0)
        moment += float(rng.uniform(10.0, 40.0)) * MINUTE_S
        edges.append(moment)
    return StepLoad(np.asarray(edges), np.asarray(levels))


def augment(
    recording: HouseRecording,
    *,
    seed: int,
    config: BackgroundConfig | None = None,
) -> HouseRecording:
    """Return the recording with simulated background loads added."""
    if recording.aggregate_w is None:
        raise ValueError(f"{recording.dataset}/{recording.house} has no aggregate")
    settings = config or BackgroundConfig()
    times = recording.timestamps_s
    if times.size == 0:
        return recording
    ends = sample_spans(times, recording.max_hold_s, recording.sample_period_s)
    rng = np.random.default_rng(seed)
    start, stop = float(times[0]), float(ends[-1])
    zone = recording.timezone

    loads: list[tuple[str, ApplianceKind, StepLoad]] = []
    if settings.water_heater:
        load = water_heater(start, stop, zone, settings.off_peak, rng)
        loads.append(
            ("simulated water heater", ApplianceKind.STORAGE_WATER_HEATER, load)
        )
    if settings.convectors:
        load = convectors(start, stop, zone, rng)
        loads.append(("simulated convectors", ApplianceKind.SPACE_HEATER, load))
    if settings.heat_pump:
        load = heat_pump(start, stop, zone, rng)
        loads.append(("simulated heat pump", ApplianceKind.HEAT_PUMP, load))

    aggregate = recording.aggregate_w.copy()
    channels = list(recording.channels)
    for name, kind, load in loads:
        power = load.mean_over(times, ends)
        aggregate += power
        channels.append(channel_named(name, power, kind))
    return replace(recording, aggregate_w=aggregate, channels=tuple(channels))


def _duty(moment: float, timezone: str) -> float:
    """Return the convectors' duty cycle at a moment: season times time of day."""
    cold = float(coldness(np.array([moment]))[0])
    if cold < HEATING_SEASON_COLD:
        return 0.0
    season = (cold - HEATING_SEASON_COLD) / (1.0 - HEATING_SEASON_COLD)
    return float(
        np.clip((0.15 + 0.6 * season) * _night_factor(moment, timezone), 0.0, 0.9)
    )


def _night_factor(moment: float, timezone: str) -> float:
    """Return 0.7-1.3: heating works hardest around 05:00 local, least at 17:00."""
    local = float(local_seconds(np.array([moment]), timezone)[0])
    hour = (local % SECONDS_PER_DAY) / HOUR_S
    return 1.0 + 0.3 * float(np.cos(2 * np.pi * (hour - 5.0) / 24.0))


def _summed(starts: list[float], ends: list[float], powers: list[float]) -> StepLoad:
    """Build one step load from runs that may overlap (several convectors)."""
    if not starts:
        return StepLoad.from_runs([], [], [])
    edges = np.unique(np.concatenate([starts, ends]))
    delta = np.zeros(edges.size)
    np.add.at(delta, np.searchsorted(edges, starts), powers)
    np.add.at(delta, np.searchsorted(edges, ends), -np.asarray(powers))
    levels = np.cumsum(delta)[:-1]
    return StepLoad(edges, np.maximum(levels, 0.0))


def _local_midnights(start_s: float, end_s: float, timezone: str) -> list[datetime]:
    """Return the local midnights from the day before start to the day of end."""
    zone = ZoneInfo(timezone)
    day = datetime.fromtimestamp(start_s, tz=UTC).astimezone(zone).date()
    day -= timedelta(days=1)
    last = datetime.fromtimestamp(end_s, tz=UTC).astimezone(zone).date()
    midnights: list[datetime] = []
    while day <= last:
        midnights.append(datetime(day.year, day.month, day.day, tzinfo=zone))
        day += timedelta(days=1)
    return midnights
