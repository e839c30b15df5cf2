"""Compute the per-minute feature vector from meter samples, live or in batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
import logging
import math
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .errors import StateError
from .stored import stored_int, stored_number

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy.typing as npt

_LOGGER = logging.getLogger(__name__)

FEATURE_VERSION: Final = 2

FEATURE_NAMES: Final[tuple[str, ...]] = (
    # The minute itself.
    "va_mean",
    "va_std",
    "va_min",
    "va_max",
    "va_range",
    "diff_rms_va",
    "steps_up_30",
    "steps_up_100",
    "steps_up_500",
    "steps_down_30",
    "steps_down_100",
    "steps_down_500",
    "step_up_max_va",
    "step_down_max_va",
    "mean_change_va",
    # The home's own baseload.
    "baseload_va",
    "level_over_baseload_va",
    "min_over_baseload_va",
    "relative_level",
    # The last 5 minutes, this one included.
    "ctx5_mean_va",
    "ctx5_range_va",
    "ctx5_steps_100",
    "ctx5_level_over_baseload_va",
    # The last 15 minutes, this one included.
    "ctx15_mean_va",
    "ctx15_std_of_means_va",
    "ctx15_range_va",
    "ctx15_steps_100",
    "ctx15_steps_500",
    "ctx15_coverage",
    # Local time and tariff.
    "tod_sin",
    "tod_cos",
    "offpeak",
    "offpeak_known",
    "offpeak_elapsed_min",
    # Average active power from the energy index.
    "index_power_w",
    "index_available",
    # The last 10 minutes against the same statistics' maxima over the last
    # night (00:00-05:00 local, the night in progress while in it): while
    # people sleep the home shows only its background.
    "night_mean_ratio",
    "night_std_ratio",
    "night_range_ratio",
    "night_excess_va",
    "night_known",
    # How long the power has held without a 100 VA switch.
    "plateau_min",
)
FEATURE_COUNT: Final = len(FEATURE_NAMES)

MINUTE_S: Final = 60
# A sample older than this does not bridge to the next one: no difference and
# no step is computed across a longer silence (dataset paces go up to 60 s).
MAX_HOLD_S: Final = 90.0
# Backward moves this small are treated as jitter (the sample is dropped);
# larger ones mean the clock was set back and the short-term state restarts.
BACKWARD_TOLERANCE_S: Final = 5.0
# A difference smaller than this is noise (historical mode quantises to
# 10 VA) and ends a step; consecutive same-sign differences above it add up to
# one step, so a ramp spread over two frames counts once at its full size.
NOISE_VA: Final = 15.0
STEP_THRESHOLDS_VA: Final = (30.0, 100.0, 500.0)
BASELOAD_MINUTES: Final = 1440
BASELOAD_PERCENTILE: Final = 5.0
# Keeps the relative level finite and meaningful in homes with a tiny baseload.
RELATIVE_LEVEL_FLOOR_VA: Final = 100.0
CONTEXT_MINUTES: Final = 15
OFFPEAK_ELAPSED_CAP_MIN: Final = 240
INDEX_WINDOW_MIN: Final = 5
NIGHT_CONTEXT_MINUTES: Final = 10
# The context windows, in minutes, this one included.
CONTEXT_WIDTHS: Final = (5, NIGHT_CONTEXT_MINUTES, CONTEXT_MINUTES)
# The 10-minute mean, deviation and range.
NIGHT_STATISTICS: Final = 3
NIGHT_END_HOUR: Final = 5
# Keeps a ratio to a night statistic finite when the night was perfectly flat.
NIGHT_RATIO_FLOOR: Final = 1.0
PLATEAU_CAP_MIN: Final = 240
MAX_INDEX_POWER_W: Final = 100_000.0
# Samples outside these bounds are dropped as garbage rather than propagated.
MAX_VA: Final = 1_000_000.0
MAX_TIMESTAMP_S: Final = 32_503_680_000.0  # Year 3000.

STATE_VERSION: Final = 2
# Version 1 states lack the night maxima; they are read and the maxima learnt
# again from the next night.
READABLE_STATE_VERSIONS: Final = (1, 2)
# Marks an empty ring slot; no real minute index comes near it.
NO_MINUTE: Final = -(2**62)


# Mean, range, 100-VA steps, 500-VA steps, std of means, count, range of means.
type _Context = tuple[float, float, float, float, float, int, float]


@dataclass(frozen=True, slots=True)
class MinuteFeatures:
    """Hold one finished minute: its start (UTC seconds) and its feature vector."""

    minute_start_s: float
    values: npt.NDArray[np.float64]
    samples: int

    def as_dict(self) -> dict[str, float]:
        """Return the vector keyed by feature name."""
        return dict(zip(FEATURE_NAMES, self.values.tolist(), strict=True))


def resolve_timezone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name, or raise ValueError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"unknown time zone {name!r}") from err


def low_percentile(values: npt.NDArray[np.float64], percent: float) -> float:
    """Return a percentile by linear interpolation, with a partial sort only.

    np.percentile costs several times more for the same number, and this runs
    once a minute forever.
    """
    count = values.size
    position = percent / 100.0 * (count - 1)
    low = int(position)
    if low + 1 >= count:
        return float(np.partition(values, low)[low])
    part = np.partition(values, (low, low + 1))
    below = float(part[low])
    return below + (float(part[low + 1]) - below) * (position - low)


class FeatureStream:
    """Turn meter samples, one at a time, into one feature vector a minute.

    Memory is fixed: the minute accumulators, a 15-minute context ring, a
    6-minute energy ring and a 24-hour ring of per-minute minimums for the
    baseload. A sample costs a constant handful of float operations; the
    numpy work (baseload percentile) happens once a minute.
    """

    def __init__(self, timezone: str = "UTC") -> None:
        """Start an empty stream whose time of day is read in `timezone`."""
        self.timezone = timezone
        self._zone = resolve_timezone(timezone)
        self._baseload_ring = np.zeros(BASELOAD_MINUTES, dtype=np.float64)
        self._baseload_count = 0
        self._baseload_pos = 0
        self._offpeak_state: bool | None = None
        self._offpeak_start_minute: int | None = None
        # Local date ordinal of the last night seen, and its maxima of the
        # 10-minute mean, deviation and range.
        self._night_day: int | None = None
        self._night_max = [0.0] * NIGHT_STATISTICS
        self._reset_short_term()

    def _reset_short_term(self) -> None:
        """Forget everything tied to the recent clock; keep the baseload."""
        self._prev_t: float | None = None
        self._prev_va = 0.0
        self._minute = -1
        self._clear_minute()
        self._ctx_minute = [NO_MINUTE] * CONTEXT_MINUTES
        self._ctx_mean = [0.0] * CONTEXT_MINUTES
        self._ctx_min = [0.0] * CONTEXT_MINUTES
        self._ctx_max = [0.0] * CONTEXT_MINUTES
        self._ctx_steps100 = [0] * CONTEXT_MINUTES
        self._ctx_steps500 = [0] * CONTEXT_MINUTES
        self._energy_minute = [NO_MINUTE] * (INDEX_WINDOW_MIN + 1)
        self._energy_t = [0.0] * (INDEX_WINDOW_MIN + 1)
        self._energy_wh = [0] * (INDEX_WINDOW_MIN + 1)
        self._last_switch_minute: int | None = None

    def _clear_minute(self) -> None:
        """Empty the current minute's accumulators."""
        self._n = 0
        self._shift = 0.0
        self._s1 = 0.0
        self._s2 = 0.0
        self._min = 0.0
        self._max = 0.0
        self._d2 = 0.0
        self._nd = 0
        self._run = 0.0
        self._up = [0, 0, 0]
        self._down = [0, 0, 0]
        self._up_max = 0.0
        self._down_max = 0.0
        self._offpeak_last: bool | None = None
        self._offpeak_seen = False
        self._energy_last: int | None = None
        self._energy_last_t = 0.0

    def push(
        self,
        timestamp_s: float,
        apparent_power_va: float,
        offpeak: bool | None,
        energy_wh: int | None = None,
    ) -> MinuteFeatures | None:
        """Add one sample; return the previous minute's features when it ends."""
        t = float(timestamp_s)
        va = float(apparent_power_va)
        if not (0.0 <= t < MAX_TIMESTAMP_S and 0.0 <= va <= MAX_VA):
            # Also rejects NaN, which fails every comparison.
            return None

        prev_t = self._prev_t
        if prev_t is not None and t < prev_t:
            if prev_t - t <= BACKWARD_TOLERANCE_S:
                return None
            _LOGGER.debug("Clock moved back by %.0f s, restarting features", prev_t - t)
            self._reset_short_term()
            prev_t = None

        finished: MinuteFeatures | None = None
        minute = int(t // MINUTE_S)
        if minute != self._minute:
            if self._n:
                finished = self._finish_minute()
            self._clear_minute()
            self._minute = minute
            self._shift = va
            self._min = va
            self._max = va

        if prev_t is not None and t - prev_t <= MAX_HOLD_S:
            self._add_difference(va - self._prev_va)
        else:
            self._close_step()

        self._n += 1
        x = va - self._shift
        self._s1 += x
        self._s2 += x * x
        if va < self._min:
            self._min = va
        elif va > self._max:
            self._max = va

        if offpeak is not None:
            self._track_offpeak(bool(offpeak), minute)
        if energy_wh is not None:
            self._energy_last = int(energy_wh)
            self._energy_last_t = t

        self._prev_t = t
        self._prev_va = va
        return finished

    def flush(self) -> MinuteFeatures | None:
        """Finish the current minute now (end of a recorded series)."""
        if not self._n:
            return None
        finished = self._finish_minute()
        self._clear_minute()
        self._minute = -1
        # The next sample, if any, must not build a step on this one.
        self._prev_t = None
        return finished

    def _add_difference(self, diff: float) -> None:
        """Account one sample-to-sample difference: energy and step runs."""
        self._d2 += diff * diff
        self._nd += 1
        if -NOISE_VA < diff < NOISE_VA or (self._run > 0.0) != (diff > 0.0):
            self._close_step()
        if diff >= NOISE_VA or diff <= -NOISE_VA:
            self._run += diff

    def _close_step(self) -> None:
        """Count the step accumulated so far, if any, and start a new one."""
        run = self._run
        if run == 0.0:
            return
        self._run = 0.0
        if run > 0.0:
            counts = self._up
            self._up_max = max(self._up_max, run)
        else:
            counts = self._down
            run = -run
            self._down_max = max(self._down_max, run)
        for i, threshold in enumerate(STEP_THRESHOLDS_VA):
            if run >= threshold:
                counts[i] += 1

    def _track_offpeak(self, offpeak: bool, minute: int) -> None:
        """Follow the tariff period and remember when off-peak last began."""
        if offpeak and self._offpeak_state is False:
            self._offpeak_start_minute = minute
        elif not offpeak:
            self._offpeak_start_minute = None
        self._offpeak_state = offpeak
        self._offpeak_last = offpeak
        self._offpeak_seen = True

    def _finish_minute(self) -> MinuteFeatures:
        """Build the feature vector of the minute held in the accumulators."""
        self._close_step()
        minute = self._minute
        n = self._n
        mean = self._shift + self._s1 / n
        std = math.sqrt(max(0.0, (self._s2 - self._s1 * self._s1 / n) / n))
        diff_rms = math.sqrt(self._d2 / self._nd) if self._nd else 0.0

        previous_slot = (minute - 1) % CONTEXT_MINUTES
        mean_change = (
            mean - self._ctx_mean[previous_slot]
            if self._ctx_minute[previous_slot] == minute - 1
            else 0.0
        )

        baseload = self._push_baseload(self._min)
        slot = minute % CONTEXT_MINUTES
        self._ctx_minute[slot] = minute
        self._ctx_mean[slot] = mean
        self._ctx_min[slot] = self._min
        self._ctx_max[slot] = self._max
        self._ctx_steps100[slot] = self._up[1] + self._down[1]
        self._ctx_steps500[slot] = self._up[2] + self._down[2]
        ctx5, ctx10, ctx15 = self._contexts(minute)
        local = datetime.fromtimestamp(minute * MINUTE_S, self._zone)
        night = self._night_features(local, ctx10[0], ctx10[4], ctx10[6])
        if self._up[1] + self._down[1]:
            self._last_switch_minute = minute
        plateau = (
            PLATEAU_CAP_MIN
            if self._last_switch_minute is None
            else min(PLATEAU_CAP_MIN, minute - self._last_switch_minute)
        )

        index_power, index_available = self._index_power(minute)
        if not index_available:
            index_power = ctx5[0]

        level = mean - baseload
        values = np.array(
            [
                mean,
                std,
                self._min,
                self._max,
                self._max - self._min,
                diff_rms,
                *self._up,
                *self._down,
                self._up_max,
                self._down_max,
                mean_change,
                baseload,
                level,
                self._min - baseload,
                level / (baseload + RELATIVE_LEVEL_FLOOR_VA),
                ctx5[0],
                ctx5[1],
                ctx5[2],
                ctx5[0] - baseload,
                ctx15[0],
                ctx15[4],
                ctx15[1],
                ctx15[2],
                ctx15[3],
                ctx15[5] / CONTEXT_MINUTES,
                *self._time_of_day(local),
                *self._offpeak_features(minute),
                index_power,
                1.0 if index_available else 0.0,
                *night,
                float(plateau),
            ],
            dtype=np.float64,
        )
        if not np.isfinite(values).all():
            # Inputs are bounded, so this is a defect; never hand it on.
            _LOGGER.warning("Non-finite feature replaced at minute %s", minute)
            values = np.nan_to_num(values, nan=0.0, posinf=MAX_VA, neginf=-MAX_VA)
        return MinuteFeatures(float(minute * MINUTE_S), values, n)

    def _push_baseload(self, minute_min: float) -> float:
        """Record this minute's minimum and return the current baseload."""
        self._baseload_ring[self._baseload_pos] = minute_min
        self._baseload_pos = (self._baseload_pos + 1) % BASELOAD_MINUTES
        self._baseload_count = min(self._baseload_count + 1, BASELOAD_MINUTES)
        return low_percentile(
            self._baseload_ring[: self._baseload_count], BASELOAD_PERCENTILE
        )

    def _contexts(self, minute: int) -> list[_Context]:
        """Return the context of the last 5, 10 and 15 minutes in one pass.

        Each is mean, range, 100-VA steps, 500-VA steps, std of means, count
        and the range of the minute means (not of the samples).
        """
        total = 0.0
        total_sq = 0.0
        low = math.inf
        high = -math.inf
        low_mean = math.inf
        high_mean = -math.inf
        steps100 = 0
        steps500 = 0
        count = 0
        out: list[_Context] = []
        for back in range(CONTEXT_MINUTES):
            wanted = minute - back
            slot = wanted % CONTEXT_MINUTES
            if self._ctx_minute[slot] == wanted:
                m = self._ctx_mean[slot]
                total += m
                total_sq += m * m
                low_mean = min(low_mean, m)
                high_mean = max(high_mean, m)
                low = min(low, self._ctx_min[slot])
                high = max(high, self._ctx_max[slot])
                steps100 += self._ctx_steps100[slot]
                steps500 += self._ctx_steps500[slot]
                count += 1
            if back + 1 not in CONTEXT_WIDTHS:
                continue
            # The current minute is always in the ring, so count >= 1.
            mean = total / count
            spread = math.sqrt(max(0.0, total_sq / count - mean * mean))
            out.append(
                (
                    mean,
                    high - low,
                    float(steps100),
                    float(steps500),
                    spread,
                    count,
                    high_mean - low_mean,
                )
            )
        return out

    def _night_features(
        self, local: datetime, mean: float, spread: float, swing: float
    ) -> tuple[float, float, float, float, float]:
        """Compare the last 10 minutes with the last night's maxima.

        Returns the ratios of mean, deviation and range to their night maxima,
        the mean's excess over its night maximum, and whether a night is known.
        Until a first night is seen the maxima are 0: the ratios are then the
        statistics themselves and `night_known` says so.
        """
        if local.hour < NIGHT_END_HOUR:
            day = local.toordinal()
            if day != self._night_day:
                self._night_day = day
                self._night_max = [mean, spread, swing]
            else:
                night = self._night_max
                night[0] = max(night[0], mean)
                night[1] = max(night[1], spread)
                night[2] = max(night[2], swing)
        night_mean, night_spread, night_swing = self._night_max
        return (
            mean / max(night_mean, NIGHT_RATIO_FLOOR),
            spread / max(night_spread, NIGHT_RATIO_FLOOR),
            swing / max(night_swing, NIGHT_RATIO_FLOOR),
            mean - night_mean,
            0.0 if self._night_day is None else 1.0,
        )

    def _time_of_day(self, local: datetime) -> tuple[float, float]:
        """Return a local time of day on the unit circle."""
        angle = 2.0 * math.pi * (local.hour * 60 + local.minute) / 1440.0
        return math.sin(angle), math.cos(angle)

    def _offpeak_features(self, minute: int) -> tuple[float, float, float]:
        """Return the off-peak flag, whether it is known, and minutes into it."""
        if not self._offpeak_seen:
            return 0.0, 0.0, float(OFFPEAK_ELAPSED_CAP_MIN)
        start = self._offpeak_start_minute
        if not self._offpeak_last or start is None:
            elapsed = OFFPEAK_ELAPSED_CAP_MIN
        else:
            elapsed = min(OFFPEAK_ELAPSED_CAP_MIN, max(0, minute - start))
        return (1.0 if self._offpeak_last else 0.0), 1.0, float(elapsed)

    def _index_power(self, minute: int) -> tuple[float, bool]:
        """Return the average active power from the energy index, if usable."""
        energy = self._energy_last
        if energy is None:
            return 0.0, False
        t = self._energy_last_t
        size = INDEX_WINDOW_MIN + 1
        slot = minute % size
        self._energy_minute[slot] = minute
        self._energy_t[slot] = t
        self._energy_wh[slot] = energy
        for back in range(INDEX_WINDOW_MIN, 0, -1):
            old = (minute - back) % size
            if self._energy_minute[old] != minute - back:
                continue
            elapsed = t - self._energy_t[old]
            delta = energy - self._energy_wh[old]
            if elapsed < MINUTE_S:
                continue
            power = delta * 3600.0 / elapsed
            if 0.0 <= power <= MAX_INDEX_POWER_W:
                return power, True
            # A meter swap or an index switch: start the window afresh.
            self._energy_minute = [NO_MINUTE] * size
            self._energy_minute[slot] = minute
            return 0.0, False
        return 0.0, False

    def to_dict(self) -> dict[str, Any]:
        """Return the state worth keeping across restarts (baseload, tariff)."""
        count = self._baseload_count
        # Oldest first, so a restored ring continues in time order.
        order = (np.arange(count) + (self._baseload_pos - count)) % BASELOAD_MINUTES
        return {
            "version": STATE_VERSION,
            "baseload_minimums_va": [
                round(v, 1) for v in self._baseload_ring[order].tolist()
            ],
            "offpeak_state": self._offpeak_state,
            "offpeak_start_minute": self._offpeak_start_minute,
            "night_day": self._night_day,
            "night_maxima": [round(v, 3) for v in self._night_max],
        }

    @classmethod
    def from_dict(cls, data: Any, timezone: str = "UTC") -> FeatureStream:  # noqa: ANN401
        """Restore a stream from `to_dict` output; raise StateError if malformed."""
        data = _readable_state(data)
        minimums = data.get("baseload_minimums_va")
        if not isinstance(minimums, list) or len(minimums) > BASELOAD_MINUTES:
            raise StateError("feature state: bad baseload_minimums_va")
        minimums = [stored_number(v, "baseload minimum", 0.0, MAX_VA) for v in minimums]
        state = data.get("offpeak_state")
        if state is not None and not isinstance(state, bool):
            raise StateError("feature state: bad offpeak_state")
        start = data.get("offpeak_start_minute")
        if start is not None:
            start = stored_int(start, "offpeak_start_minute", 0, 2**40)
        stream = cls(timezone)
        stream._baseload_ring[: len(minimums)] = np.asarray(minimums, dtype=np.float64)
        stream._baseload_count = len(minimums)
        stream._baseload_pos = len(minimums) % BASELOAD_MINUTES
        stream._offpeak_state = state
        stream._offpeak_start_minute = start
        if data["version"] >= 2:
            stream._night_day, stream._night_max = _stored_night(data)
        return stream


def _readable_state(data: Any) -> dict[str, Any]:  # noqa: ANN401
    """Return a stored feature state of any version this runtime can read."""
    version = data.get("version") if isinstance(data, dict) else None
    # JSON true and 2.0 compare equal to 1 and 2; no writer ever wrote them.
    if type(version) is int and version in READABLE_STATE_VERSIONS:
        readable: dict[str, Any] = data
        return readable
    raise StateError(f"feature state: not a version {STATE_VERSION} dict")


def _stored_night(data: dict[str, Any]) -> tuple[int | None, list[float]]:
    """Return a stored state's last night and its maxima; raise StateError if bad."""
    if "night_day" not in data:
        raise StateError("feature state: no night_day")
    maxima = data.get("night_maxima")
    if not isinstance(maxima, list) or len(maxima) != NIGHT_STATISTICS:
        raise StateError("feature state: bad night_maxima")
    values = [stored_number(v, "night maximum", 0.0, MAX_VA) for v in maxima]
    night_day = data["night_day"]
    if night_day is None:
        return None, values
    return stored_int(night_day, "night_day", 1, date.max.toordinal()), values


def _optional_flags(
    offpeak: Sequence[bool | None] | npt.ArrayLike | None, size: int
) -> list[bool | None]:
    """Return per-sample tariff flags; NaN or None mean unknown."""
    if offpeak is None:
        return [None] * size
    array = np.asarray(offpeak)
    if array.shape != (size,):
        raise ValueError("offpeak must have one value per timestamp")
    if array.dtype == np.bool_:
        return [bool(v) for v in array.tolist()]
    flags: list[bool | None] = []
    for v in array.tolist():
        if v is None or (isinstance(v, float) and math.isnan(v)):
            flags.append(None)
        else:
            flags.append(bool(v))
    return flags


def _optional_energy(energy_wh: npt.ArrayLike | None, size: int) -> list[int | None]:
    """Return per-sample energy indexes; NaN or None mean unknown."""
    if energy_wh is None:
        return [None] * size
    array = np.asarray(energy_wh, dtype=np.float64)
    if array.shape != (size,):
        raise ValueError("energy_wh must have one value per timestamp")
    return [int(v) if math.isfinite(v) else None for v in array.tolist()]


def features_for_series(
    timestamps_s: npt.ArrayLike,
    apparent_power_va: npt.ArrayLike,
    offpeak: Sequence[bool | None] | npt.ArrayLike | None,
    timezone: str,
    energy_wh: npt.ArrayLike | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return minute starts and the feature matrix of a whole recorded series.

    The series goes through the same `FeatureStream` the integration runs, so
    training sees exactly the numbers the live detector computes. NaN power
    samples are skipped (a gap), NaN or None tariff and energy mean unknown.
    """
    times = np.asarray(timestamps_s, dtype=np.float64)
    power = np.asarray(apparent_power_va, dtype=np.float64)
    if times.ndim != 1 or power.shape != times.shape:
        raise ValueError("timestamps_s and apparent_power_va must be equal 1-D")
    flags = _optional_flags(offpeak, times.size)
    energy = _optional_energy(energy_wh, times.size)

    stream = FeatureStream(timezone)
    push = stream.push
    starts: list[float] = []
    rows: list[npt.NDArray[np.float64]] = []
    for t, va, flag, wh in zip(
        times.tolist(), power.tolist(), flags, energy, strict=True
    ):
        finished = push(t, va, flag, wh)
        if finished is not None:
            starts.append(finished.minute_start_s)
            rows.append(finished.values)
    last = stream.flush()
    if last is not None:
        starts.append(last.minute_start_s)
        rows.append(last.values)

    matrix = np.vstack(rows) if rows else np.empty((0, FEATURE_COUNT))
    return np.asarray(starts, dtype=np.float64), matrix
