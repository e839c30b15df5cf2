"""Work with sets of time intervals: build them from samples, merge, measure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Intervals:
    """Hold sorted, non-overlapping [start, end) intervals in UTC seconds."""

    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def empty(cls) -> Intervals:
        """Return the empty set."""
        return cls(np.empty(0), np.empty(0))

    @classmethod
    def merged(cls, starts: np.ndarray, ends: np.ndarray) -> Intervals:
        """Return the union of possibly overlapping intervals."""
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        if starts.size == 0:
            return cls.empty()
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        reach = np.maximum.accumulate(ends)
        # A new interval begins where a start lies beyond everything before it.
        opens = np.ones(starts.size, dtype=bool)
        opens[1:] = starts[1:] > reach[:-1]
        group = np.cumsum(opens) - 1
        merged_ends = np.full(int(group[-1]) + 1, -np.inf)
        np.maximum.at(merged_ends, group, ends)
        return cls(starts[opens], merged_ends)

    def union(self, other: Intervals) -> Intervals:
        """Return the intervals covered by either set."""
        return Intervals.merged(
            np.concatenate([self.starts, other.starts]),
            np.concatenate([self.ends, other.ends]),
        )

    @property
    def total_s(self) -> float:
        """Return the time the set covers."""
        return float(np.sum(self.ends - self.starts))

    def overlaps(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Tell, for each [start, end), whether it meets the set."""
        if self.starts.size == 0:
            return np.zeros(np.shape(starts), dtype=bool)
        index = np.searchsorted(self.ends, starts, side="right")
        inside = index < self.starts.size
        safe = np.minimum(index, self.starts.size - 1)
        hit: np.ndarray = inside & (self.starts[safe] < ends) & (ends > starts)
        return hit

    def covered_before(self, moments: np.ndarray) -> np.ndarray:
        """Return, for each moment, how many seconds of the set lie before it."""
        if self.starts.size == 0:
            return np.zeros(np.shape(moments))
        lengths = np.concatenate([[0.0], np.cumsum(self.ends - self.starts)])
        count = np.searchsorted(self.starts, moments, side="left")
        last = np.maximum(count - 1, 0)
        beyond = np.where(count > 0, np.maximum(self.ends[last] - moments, 0.0), 0.0)
        covered: np.ndarray = lengths[count] - beyond
        return covered


def sample_spans(
    timestamps_s: np.ndarray,
    max_hold_s: float,
    sample_period_s: float,
) -> np.ndarray:
    """Return where each sample's value stops holding (UTC s)."""
    if timestamps_s.size == 0:
        return timestamps_s.copy()
    ends = np.empty_like(timestamps_s)
    ends[:-1] = np.minimum(timestamps_s[1:], timestamps_s[:-1] + max_hold_s)
    ends[-1] = timestamps_s[-1] + min(sample_period_s, max_hold_s)
    return ends


def where_true(
    mask: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    *,
    extend_s: float = 0.0,
) -> Intervals:
    """Return the union of the sample spans where `mask` holds, each lengthened."""
    return Intervals.merged(starts[mask], ends[mask] + extend_s)
