"""Tell a real gap between two detectors on one house from one chance alone gives.

A house of one recorded day holds few independent moments: activity comes in
bursts, so neighbouring minutes are not separate draws. The paired block
bootstrap below resamples whole clock hours (the same hours for both
detectors), which keeps those bursts intact, and reads the spread of the
model-minus-baseline difference in F1 and MCC from the resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from training.metrics import json_number

if TYPE_CHECKING:
    from training.windows import WindowTable

__all__ = [
    "BLOCK_S",
    "CONFIDENCE_PERCENT",
    "RESAMPLES",
    "Comparison",
    "Difference",
    "Verdict",
    "compare_detectors",
    "hour_blocks",
]

type Verdict = Literal["ahead", "level", "behind", "undefined"]

BLOCK_S = 3600.0
RESAMPLES = 2000
CONFIDENCE_PERCENT = 95.0
# One chunk of resamples holds at most this many (resample, block) cells, so a
# house of a year's hours never needs more than a few tens of megabytes.
_CHUNK_CELLS = 2_000_000
# Column order of the per-block counts: a window's cell is 2 * label + guess.
_TN, _FP, _FN, _TP = range(4)


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """Hold one figure's model-minus-baseline difference and its interval.

    `low` and `high` bound the central 95 % of the resampled differences;
    they are NaN when the figure or the interval cannot be computed.
    """

    difference: float
    low: float
    high: float
    verdict: Verdict

    def as_dict(self) -> dict[str, float | str | None]:
        """Return the difference as JSON-ready values, NaN written as None."""
        return {
            "difference": json_number(self.difference),
            "low": json_number(self.low),
            "high": json_number(self.high),
            "verdict": self.verdict,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """Hold how one detector compares with another on one house: F1 and MCC."""

    f1: Difference
    mcc: Difference

    def as_dict(self) -> dict[str, dict[str, float | str | None]]:
        """Return both figures' differences as JSON-ready values."""
        return {"f1": self.f1.as_dict(), "mcc": self.mcc.as_dict()}


def hour_blocks(table: WindowTable) -> np.ndarray:
    """Return the clock-hour block (numbered from 0) of each scored window."""
    hours = np.floor(table.starts_s[table.scored] / BLOCK_S)
    _, blocks = np.unique(hours, return_inverse=True)
    return blocks.astype(np.int64)


def _block_counts(
    labels: np.ndarray, predicted: np.ndarray, blocks: np.ndarray, count: int
) -> np.ndarray:
    """Return each block's (tn, fp, fn, tp) as a (blocks, 4) float array."""
    cells = 2 * labels.astype(np.int64) + predicted.astype(np.int64)
    tallies = np.bincount(blocks * 4 + cells, minlength=count * 4)
    return tallies.reshape(count, 4).astype(np.float64)


def _f1_scores(counts: np.ndarray) -> np.ndarray:
    """Return F1 for each row of (tn, fp, fn, tp), NaN without labelled activity."""
    tp, fp, fn = counts[..., _TP], counts[..., _FP], counts[..., _FN]
    denominator = 2 * tp + fp + fn
    out = np.full(tp.shape, np.nan)
    np.divide(2 * tp, denominator, out=out, where=(tp + fn) > 0)
    return out


def _mcc_scores(counts: np.ndarray) -> np.ndarray:
    """Return MCC for each row of (tn, fp, fn, tp).

    A detector that never (or always) fires scores 0, as in the house figures.
    Windows of one label only make MCC NaN here: on them every detector scores
    0, and counting such resamples as a zero gap would pull every interval
    over 0, whatever the real gap.
    """
    tn, fp = counts[..., _TN], counts[..., _FP]
    fn, tp = counts[..., _FN], counts[..., _TP]
    denominator = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    out = np.zeros(tp.shape)
    np.divide(tp * tn - fp * fn, np.sqrt(denominator), out=out, where=denominator > 0)
    out[((tp + fn) == 0) | ((tn + fp) == 0)] = np.nan
    return out


def _resampled_totals(
    counts: np.ndarray, resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Return the counts summed over blocks drawn with replacement, per resample."""
    blocks = counts.shape[0]
    rows_per_chunk = max(1, _CHUNK_CELLS // blocks)
    totals: list[np.ndarray] = []
    for first in range(0, resamples, rows_per_chunk):
        rows = min(rows_per_chunk, resamples - first)
        picks = rng.integers(0, blocks, size=(rows, blocks))
        # How often each block is drawn in each resample: one matrix product
        # then sums every drawn block's counts at once.
        offsets = np.arange(rows, dtype=np.int64)[:, None] * blocks
        drawn = np.bincount((offsets + picks).ravel(), minlength=rows * blocks)
        totals.append(drawn.reshape(rows, blocks).astype(np.float64) @ counts)
    return np.vstack(totals)


def _difference(observed: float, samples: np.ndarray, blocks: int) -> Difference:
    """Return the observed difference, its percentile interval and verdict."""
    finite = samples[np.isfinite(samples)]
    if math.isnan(observed) or blocks < 2 or finite.size == 0:
        return Difference(
            difference=observed, low=math.nan, high=math.nan, verdict="undefined"
        )
    tail = (100.0 - CONFIDENCE_PERCENT) / 2
    low, high = (float(v) for v in np.percentile(finite, [tail, 100.0 - tail]))
    verdict: Verdict = "level"
    if low > 0:
        verdict = "ahead"
    elif high < 0:
        verdict = "behind"
    return Difference(difference=observed, low=low, high=high, verdict=verdict)


def compare_detectors(
    table: WindowTable,
    ours: np.ndarray,
    theirs: np.ndarray,
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Comparison:
    """Compare two detectors' predictions on one house by a paired hour bootstrap.

    Differences are `ours` minus `theirs`, over scored windows only. A house
    of fewer than two hour blocks gets its observed difference but no
    interval, and the verdict "undefined".
    """
    size = table.starts_s.shape
    for name, predicted in (("ours", ours), ("theirs", theirs)):
        if np.shape(predicted) != size:
            msg = (
                f"{table.key}: {name} has shape {np.shape(predicted)}, "
                f"the table's windows {size}"
            )
            raise ValueError(msg)
    if resamples < 1:
        msg = f"resamples must be at least 1, not {resamples}"
        raise ValueError(msg)

    keep = np.asarray(table.scored, dtype=bool)
    labels = np.asarray(table.labels, dtype=bool)[keep]
    blocks = hour_blocks(table)
    count = int(blocks.max()) + 1 if blocks.size else 0
    per_block = np.hstack(
        [
            _block_counts(labels, np.asarray(p, dtype=bool)[keep], blocks, count)
            for p in (ours, theirs)
        ]
    )

    observed = per_block.sum(axis=0)
    if count >= 2:
        totals = _resampled_totals(per_block, resamples, np.random.default_rng(seed))
    else:
        totals = np.empty((0, 8))
    figures: dict[str, Difference] = {}
    for figure, score in (("f1", _f1_scores), ("mcc", _mcc_scores)):
        gap = float(score(observed[:4]) - score(observed[4:]))
        samples = score(totals[:, :4]) - score(totals[:, 4:])
        figures[figure] = _difference(gap, samples, count)
    return Comparison(f1=figures["f1"], mcc=figures["mcc"])
