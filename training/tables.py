"""Line up features, meter power and labels on one regular grid of windows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from custom_components.linky_activity.activity.features import (
    FEATURE_COUNT,
    FEATURE_NAMES,
    features_for_series,
)
from training.labels import label_minutes
from training.windows import WindowTable, local_clock

if TYPE_CHECKING:
    from collections.abc import Sequence

    from training.datasets import HouseRecording
    from training.labels import MinuteLabels

__all__ = [
    "MINUTE_S",
    "SLOT_S",
    "minute_table",
    "slot_labels",
    "slot_table",
    "stitch",
    "watts_table",
]

MINUTE_S = 60.0
SLOT_S = 1800.0
# A thirty-minute slot is scored when at least half its minutes are.
SLOT_MIN_SCORED_SHARE = 0.5
MEAN_POWER = FEATURE_NAMES.index("va_mean")


def _grid(first_s: float, last_s: float, step_s: float) -> np.ndarray:
    """Return window starts from the first to the last, inclusive."""
    count = round((last_s - first_s) / step_s) + 1
    grid: np.ndarray = first_s + step_s * np.arange(count, dtype=np.float64)
    return grid


def _place(grid: np.ndarray, starts: np.ndarray, step_s: float) -> np.ndarray:
    """Return each start's row on the grid (-1 where it falls off the grid)."""
    rows: np.ndarray = np.rint((starts - grid[0]) / step_s).astype(np.int64)
    rows[(rows < 0) | (rows >= grid.size)] = -1
    return rows


def minute_table(
    *,
    dataset: str,
    house: str,
    timezone: str,
    feature_starts_s: np.ndarray,
    features: np.ndarray,
    labels: MinuteLabels,
    variant: str,
    trusted: np.ndarray | None = None,
) -> WindowTable:
    """Build the one-minute table: a minute is scored when labelled and measured.

    `trusted`, if given, is aligned with `labels.starts_s`.
    """
    starts = np.concatenate([feature_starts_s, labels.starts_s])
    if starts.size == 0:
        msg = f"{dataset}/{house}: no minute has power or labels"
        raise ValueError(msg)
    grid = _grid(float(starts.min()), float(starts.max()), MINUTE_S)

    matrix = np.full((grid.size, FEATURE_COUNT), np.nan)
    feature_rows = _place(
        grid, np.asarray(feature_starts_s, dtype=np.float64), MINUTE_S
    )
    matrix[feature_rows[feature_rows >= 0]] = features[feature_rows >= 0]

    active = np.zeros(grid.size, dtype=bool)
    scored = np.zeros(grid.size, dtype=bool)
    label_rows = _place(grid, labels.starts_s, MINUTE_S)
    placed = label_rows >= 0
    active[label_rows[placed]] = labels.active[placed]
    scored[label_rows[placed]] = labels.scored[placed]
    scored &= np.isfinite(matrix).all(axis=1)
    reliable = None
    if trusted is not None:
        reliable = np.ones(grid.size, dtype=bool)
        reliable[label_rows[placed]] = np.asarray(trusted, dtype=bool)[placed]

    return WindowTable(
        dataset=dataset,
        house=house,
        resolution="1min",
        window_s=MINUTE_S,
        timezone=timezone,
        starts_s=grid,
        clock=local_clock(grid, timezone),
        power=matrix[:, MEAN_POWER].copy(),
        features=matrix,
        labels=active,
        scored=scored,
        episode_starts_s=labels.episode_starts_s,
        episode_ends_s=labels.episode_ends_s,
        variant=variant,
        trusted=reliable,
    )


def slot_labels(
    minutes: WindowTable,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Return slot starts, activity, scoring and trust for a minute table's half-hours.

    A slot is active when any of its scored minutes is, and scored when at
    least half of its minutes are: a kettle boiled in a half-hour makes that
    half-hour active, as a person looking at the load curve would expect. An
    inactive slot is trusted when at most half of its scored minutes are not.
    """
    first = float(np.floor(minutes.starts_s[0] / SLOT_S) * SLOT_S)
    grid = _grid(first, float(np.floor(minutes.starts_s[-1] / SLOT_S) * SLOT_S), SLOT_S)
    rows = _place(grid, np.floor(minutes.starts_s / SLOT_S) * SLOT_S, SLOT_S)
    per_slot = round(SLOT_S / MINUTE_S)
    scored_minutes = np.bincount(rows, weights=minutes.scored, minlength=grid.size)
    active_minutes = np.bincount(
        rows, weights=minutes.scored & minutes.labels, minlength=grid.size
    )
    scored = scored_minutes >= SLOT_MIN_SCORED_SHARE * per_slot
    active = active_minutes > 0
    if minutes.trusted is None:
        return grid, active, scored, None
    doubtful = np.bincount(
        rows, weights=minutes.scored & ~minutes.trusted, minlength=grid.size
    )
    trusted = active | (doubtful <= SLOT_MIN_SCORED_SHARE * scored_minutes)
    return grid, active, scored, trusted


def slot_table(
    *,
    minutes: WindowTable,
    slot_starts_s: np.ndarray,
    load_curve_w: np.ndarray,
    features: np.ndarray,
    variant: str,
) -> WindowTable:
    """Build the thirty-minute table from the load curve and the minute labels."""
    grid, active, scored, trusted = slot_labels(minutes)
    power = np.full(grid.size, np.nan)
    matrix = np.full((grid.size, FEATURE_COUNT), np.nan)
    rows = _place(grid, np.asarray(slot_starts_s, dtype=np.float64), SLOT_S)
    placed = rows >= 0
    power[rows[placed]] = np.asarray(load_curve_w)[placed]
    matrix[rows[placed]] = features[placed]
    scored &= np.isfinite(matrix).all(axis=1) & np.isfinite(power)
    return WindowTable(
        dataset=minutes.dataset,
        house=minutes.house,
        resolution="30min",
        window_s=SLOT_S,
        timezone=minutes.timezone,
        starts_s=grid,
        clock=local_clock(grid, minutes.timezone),
        power=power,
        features=matrix,
        labels=active,
        scored=scored,
        episode_starts_s=minutes.episode_starts_s,
        episode_ends_s=minutes.episode_ends_s,
        variant=variant,
        trusted=trusted,
    )


def stitch(tables: Sequence[WindowTable]) -> WindowTable:
    """Join tables of one house (several files) on one grid, gaps unscored."""
    if len(tables) == 1:
        return tables[0]
    ordered = sorted(tables, key=lambda t: float(t.starts_s[0]))
    first = ordered[0]
    step = first.window_s
    grid = _grid(
        float(ordered[0].starts_s[0]),
        max(float(t.starts_s[-1]) for t in ordered),
        step,
    )
    features = np.full((grid.size, first.features.shape[1]), np.nan)
    power = np.full(grid.size, np.nan)
    labels = np.zeros(grid.size, dtype=bool)
    scored = np.zeros(grid.size, dtype=bool)
    trusted = np.ones(grid.size, dtype=bool)
    for table in ordered:
        rows = _place(grid, table.starts_s, step)
        # Where two files overlap, the later file's windows win.
        features[rows] = table.features
        power[rows] = table.power
        labels[rows] = table.labels
        scored[rows] = table.scored
        if table.trusted is not None:
            trusted[rows] = table.trusted
    return WindowTable(
        dataset=first.dataset,
        house=first.house,
        resolution=first.resolution,
        window_s=step,
        timezone=first.timezone,
        starts_s=grid,
        clock=local_clock(grid, first.timezone),
        power=power,
        features=features,
        labels=labels,
        scored=scored,
        episode_starts_s=np.concatenate([t.episode_starts_s for t in ordered]),
        episode_ends_s=np.concatenate([t.episode_ends_s for t in ordered]),
        variant=first.variant,
        trusted=trusted if any(t.trusted is not None for t in ordered) else None,
    )


def watts_table(
    recording: HouseRecording, labels: MinuteLabels | None = None
) -> WindowTable:
    """Return the 1-minute table of features fed the dataset's watts directly.

    No meter simulation: the recorded active power at the dataset's own pace
    stands in for apparent power, without tariff or energy index.
    """
    if recording.aggregate_w is None:
        msg = f"{recording.dataset}/{recording.house}: no whole-house power"
        raise ValueError(msg)
    starts, matrix = features_for_series(
        recording.timestamps_s, recording.aggregate_w, None, recording.timezone
    )
    return minute_table(
        dataset=recording.dataset,
        house=recording.house,
        timezone=recording.timezone,
        feature_starts_s=starts,
        features=matrix,
        labels=labels if labels is not None else label_minutes(recording),
        variant="watts",
    )
