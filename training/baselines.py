"""Run the simple detectors every model is compared against, window by window.

Each baseline sees only what the meter gives (the power per window and the
local clock), never the labels, and returns a score (for the precision-recall
curve) and a yes/no prediction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from custom_components.linky_activity.activity.features import FEATURE_NAMES
from custom_components.linky_activity.activity.night_baseline import NightBaseline

if TYPE_CHECKING:
    from collections.abc import Callable

    from training.windows import WindowTable

__all__ = [
    "BASELINES",
    "BASELOAD_MARGIN_VA",
    "DAY_END_HOUR",
    "DAY_START_HOUR",
    "MINUTE_ONLY",
    "NIGHT_END_HOUR",
    "BaselineOutput",
    "always_active_daytime",
    "baselines_for",
    "baseload_threshold",
    "night_max_threshold",
    "night_reference",
]

# One fixed margin for every house, chosen before looking at any labels: the
# smallest of the common appliances a person switches on (a TV, a lamp row,
# a microwave at low power) lifts a home this far above its quietest level.
BASELOAD_MARGIN_VA = 200.0
BASELOAD_PERCENTILE = 5.0
DAY_START_HOUR = 7.0
DAY_END_HOUR = 22.0
NIGHT_END_HOUR = 5.0
# The night statistics look at ten minutes of the one-minute series, as the
# night-referenced occupancy studies did with their slots.
NIGHT_STATISTIC_S = 600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineOutput:
    """Hold a detector's per-window score and yes/no prediction."""

    scores: np.ndarray
    predicted: np.ndarray


def _per_day(table: WindowTable, reduce: Callable[[np.ndarray], float]) -> np.ndarray:
    """Return, for each window, `reduce` applied to the valid power of its day."""
    out = np.full(table.power.shape, np.nan)
    for day in np.unique(table.clock.day):
        members = table.clock.day == day
        values = table.power[members]
        values = values[~np.isnan(values)]
        if values.size:
            out[members] = reduce(values)
    return out


def baseload_threshold(table: WindowTable) -> BaselineOutput:
    """Call a window active when its power exceeds the day's baseload by a margin.

    The baseload is a low percentile of the same local day's power, so a home
    that draws 80 VA at rest and one that draws 600 VA get the same margin.
    """
    baseload = _per_day(
        table, lambda values: float(np.percentile(values, BASELOAD_PERCENTILE))
    )
    excess = np.nan_to_num(table.power - baseload, nan=-np.inf)
    return BaselineOutput(
        scores=np.where(np.isfinite(excess), excess, -1e9),
        predicted=excess > BASELOAD_MARGIN_VA,
    )


def _trailing_statistics(table: WindowTable) -> np.ndarray:
    """Return mean, deviation and range of power over a short trailing window."""
    span = max(1, round(NIGHT_STATISTIC_S / table.window_s))
    power = table.power
    stats = np.full((power.size, 3), np.nan)
    if span == 1:
        # One window is all a coarse series offers: its level is the statistic.
        stats[:, 0] = power
        stats[:, 1:] = 0.0
        return stats
    padded = np.r_[np.full(span - 1, np.nan), power]
    frames = np.lib.stride_tricks.sliding_window_view(padded, span)
    valid = np.sum(~np.isnan(frames), axis=1)
    enough = valid >= (span + 1) // 2
    with np.errstate(invalid="ignore"):
        stats[enough, 0] = np.nanmean(frames[enough], axis=1)
        stats[enough, 1] = np.nanstd(frames[enough], axis=1)
        stats[enough, 2] = np.nanmax(frames[enough], axis=1) - np.nanmin(
            frames[enough], axis=1
        )
    return stats


def _night_maxima(table: WindowTable, stats: np.ndarray) -> np.ndarray:
    """Return, per window, each statistic's maximum over its day's early night.

    A day's night is midnight to 05:00 local time. A day without such night
    windows borrows the nearest night before it, else the nearest after it.
    """
    is_night = table.clock.hour < NIGHT_END_HOUR
    maxima_by_day: dict[int, np.ndarray] = {}
    for day in np.unique(table.clock.day):
        rows = stats[(table.clock.day == day) & is_night]
        rows = rows[~np.isnan(rows).any(axis=1)]
        if rows.size:
            maxima_by_day[int(day)] = rows.max(axis=0)

    out = np.full(stats.shape, np.nan)
    known = np.array(sorted(maxima_by_day), dtype=np.int64)
    if known.size == 0:
        return out
    for day in np.unique(table.clock.day):
        before = known[known <= day]
        source = int(before[-1]) if before.size else int(known[0])
        out[table.clock.day == day] = maxima_by_day[source]
    return out


def night_max_threshold(table: WindowTable) -> BaselineOutput:
    """Call a window active when a power statistic exceeds its night maximum.

    Unsupervised and per home, after the night-referenced occupancy studies:
    while people sleep the home shows only its background, so the largest
    mean, deviation and range seen in the night bound what the background can
    do; a window above any of them is called occupied.
    """
    stats = _trailing_statistics(table)
    maxima = _night_maxima(table, stats)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = stats / np.maximum(maxima, 1.0)
    ratio = np.max(np.where(np.isnan(ratios), -np.inf, ratios), axis=1)
    ratio = np.where(np.isfinite(ratio), ratio, -1.0)
    # Comparisons with NaN are false: a window without statistics stays quiet.
    exceeds: np.ndarray = np.any(stats > maxima, axis=1)
    return BaselineOutput(scores=ratio, predicted=exceeds)


def always_active_daytime(table: WindowTable) -> BaselineOutput:
    """Call every daytime window active and every night window inactive."""
    hour = table.clock.hour
    daytime = (hour >= DAY_START_HOUR) & (hour < DAY_END_HOUR)
    return BaselineOutput(scores=daytime.astype(np.float64), predicted=daytime)


_COLUMN = {name: index for index, name in enumerate(FEATURE_NAMES)}


def night_reference(table: WindowTable) -> BaselineOutput:
    """Call a minute active when the integration's night reference would.

    The integration's `NightBaseline` learns the home's night background
    without labels and judges each minute's own excess against its learned
    threshold; here that judgement is applied around the clock (a minute is
    active when its excess reaches the threshold and is not explained as
    background), which is what the night reference alone can tell by day.
    It learns as it goes, so a home recorded for a day or two is judged with
    the cautious threshold of a home still learning.
    """
    reference = NightBaseline(timezone=table.timezone)
    scores = np.zeros(table.starts_s.size, dtype=np.float64)
    predicted = np.zeros(table.starts_s.size, dtype=bool)
    features = table.features
    for index in np.flatnonzero(np.isfinite(features).all(axis=1)):
        row = features[index]
        known = row[_COLUMN["offpeak_known"]] > 0.5
        status = reference.update(
            float(table.starts_s[index]),
            float(row[_COLUMN["va_mean"]]),
            float(row[_COLUMN["va_min"]]),
            bool(row[_COLUMN["offpeak"]] > 0.5) if known else None,
            float(row[_COLUMN["offpeak_elapsed_min"]]),
            step_up_va=float(row[_COLUMN["step_up_max_va"]]),
        )
        scores[index] = status.deviation
        predicted[index] = status.deviation >= 1.0 and status.background is None
    return BaselineOutput(scores=scores, predicted=predicted)


BASELINES: dict[str, Callable[[WindowTable], BaselineOutput]] = {
    "baseload_threshold": baseload_threshold,
    "night_max": night_max_threshold,
    "daytime": always_active_daytime,
    "night_reference": night_reference,
}
# The night reference reads per-minute statistics: it has no meaning on the
# thirty-minute load curve.
MINUTE_ONLY = frozenset({"night_reference"})


def baselines_for(
    resolution: str,
) -> dict[str, Callable[[WindowTable], BaselineOutput]]:
    """Return the baselines that apply at a resolution."""
    return {
        name: baseline
        for name, baseline in BASELINES.items()
        if resolution == "1min" or name not in MINUTE_ONLY
    }
