"""Score activity predictions against labels: window and event figures."""

from __future__ import annotations

from dataclasses import asdict, dataclass
import math

import numpy as np

__all__ = [
    "Confusion",
    "Scores",
    "average_precision",
    "confusion",
    "detection_delays",
    "json_number",
    "macro_average",
    "score_predictions",
]


def json_number[T: (float, int)](value: T) -> T | None:
    """Return a figure for JSON: NaN, which JSON cannot hold, written as None."""
    return None if isinstance(value, float) and math.isnan(value) else value


@dataclass(frozen=True, slots=True, kw_only=True)
class Confusion:
    """Count true and false positives and negatives over scored windows."""

    true_positive: int
    false_positive: int
    true_negative: int
    false_negative: int

    @property
    def precision(self) -> float:
        """Return the share of predicted-active windows that were active."""
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        """Return the share of active windows that were predicted active."""
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else math.nan

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        actual = self.true_positive + self.false_negative
        if not actual:
            return math.nan
        denominator = 2 * self.true_positive + self.false_positive + self.false_negative
        return 2 * self.true_positive / denominator

    @property
    def mcc(self) -> float:
        """Return the Matthews correlation coefficient (0 when undefined)."""
        tp, fp = self.true_positive, self.false_positive
        tn, fn = self.true_negative, self.false_negative
        # Products of four counts overflow nothing in Python ints, and the
        # square root of their product stays exact enough in float.
        denominator = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
        if denominator == 0:
            return 0.0
        return (tp * tn - fp * fn) / math.sqrt(denominator)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """Hold one detector's figures on one house at one resolution.

    Figures that a house cannot define (recall without any labelled activity,
    delays without any detected episode) are NaN, and macro averages skip them.
    """

    precision: float
    recall: float
    f1: float
    mcc: float
    auprc: float
    delay_median_s: float
    delay_p90_s: float
    event_recall: float
    episodes: int
    scored_windows: int
    active_windows: int

    def as_dict(self) -> dict[str, float | int | None]:
        """Return the figures as JSON-ready values, NaN written as None."""
        return {key: json_number(value) for key, value in asdict(self).items()}


def confusion(labels: np.ndarray, predicted: np.ndarray) -> Confusion:
    """Count the confusion matrix of boolean predictions against labels."""
    truth = np.asarray(labels, dtype=bool)
    guess = np.asarray(predicted, dtype=bool)
    if truth.shape != guess.shape:
        msg = f"labels {truth.shape} and predictions {guess.shape} differ in shape"
        raise ValueError(msg)
    return Confusion(
        true_positive=int(np.count_nonzero(truth & guess)),
        false_positive=int(np.count_nonzero(~truth & guess)),
        true_negative=int(np.count_nonzero(~truth & ~guess)),
        false_negative=int(np.count_nonzero(truth & ~guess)),
    )


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Return the area under the precision-recall curve as average precision.

    Each distinct score is one threshold; precision at that threshold is
    weighted by the recall it adds, so tied scores count as one step (the
    step-wise sum, not a trapezoid, which would be optimistic).
    """
    truth = np.asarray(labels, dtype=bool)
    values = np.asarray(scores, dtype=np.float64)
    positives = int(np.count_nonzero(truth))
    if positives == 0:
        return math.nan

    order = np.argsort(-values, kind="stable")
    ordered_truth = truth[order]
    ordered_values = values[order]
    true_so_far = np.cumsum(ordered_truth)
    # The last index of each run of equal scores closes one threshold.
    closes = np.r_[ordered_values[1:] != ordered_values[:-1], True]
    hits = true_so_far[closes].astype(np.float64)
    taken = (np.flatnonzero(closes) + 1).astype(np.float64)
    precision = hits / taken
    recall = hits / positives
    recall_gain = np.diff(np.r_[0.0, recall])
    return float(np.sum(recall_gain * precision))


def detection_delays(
    *,
    episode_starts_s: np.ndarray,
    episode_ends_s: np.ndarray,
    window_starts_s: np.ndarray,
    window_s: float,
    predicted: np.ndarray,
    grace_s: float,
) -> np.ndarray:
    """Return each episode's delay until the prediction is on, NaN if never.

    A window's prediction is known at the window's end, so the delay runs from
    the episode's first switch-on to the end of the first predicted-active
    window that overlaps the episode (or up to `grace_s` after it). When the
    prediction was already on in the window just before the episode, the
    detector was active when the episode began: the delay is zero.
    """
    starts = np.asarray(window_starts_s, dtype=np.float64)
    guess = np.asarray(predicted, dtype=bool)
    delays = np.full(len(episode_starts_s), math.nan)
    for index, (begin, end) in enumerate(
        zip(episode_starts_s, episode_ends_s, strict=True)
    ):
        first = int(np.searchsorted(starts, begin, side="right")) - 1
        if first < 0 or begin >= starts[first] + window_s:
            continue
        before = first - 1
        if before >= 0 and guess[before] and starts[first] - starts[before] <= window_s:
            delays[index] = 0.0
            continue
        last = int(np.searchsorted(starts, end + grace_s, side="left"))
        hits = np.flatnonzero(guess[first:last])
        if hits.size:
            delays[index] = max(0.0, starts[first + hits[0]] + window_s - begin)
    return delays


def score_predictions(
    *,
    labels: np.ndarray,
    scored: np.ndarray,
    predicted: np.ndarray,
    scores: np.ndarray,
    delays_s: np.ndarray,
    event_tolerance_s: float,
) -> Scores:
    """Score one detector on one house: windows where `scored` is true only.

    `delays_s` holds one delay per labelled episode (NaN when missed); an
    episode counts for event recall when its delay is within the tolerance.
    """
    keep = np.asarray(scored, dtype=bool)
    truth = np.asarray(labels, dtype=bool)[keep]
    counts = confusion(truth, np.asarray(predicted, dtype=bool)[keep])
    caught = delays_s[~np.isnan(delays_s)]
    episodes = int(delays_s.size)
    return Scores(
        precision=counts.precision,
        recall=counts.recall,
        f1=counts.f1,
        mcc=counts.mcc,
        auprc=average_precision(truth, np.asarray(scores, dtype=np.float64)[keep]),
        delay_median_s=float(np.median(caught)) if caught.size else math.nan,
        delay_p90_s=float(np.percentile(caught, 90)) if caught.size else math.nan,
        event_recall=(
            float(np.count_nonzero(caught <= event_tolerance_s)) / episodes
            if episodes
            else math.nan
        ),
        episodes=episodes,
        scored_windows=int(keep.sum()),
        active_windows=int(truth.sum()),
    )


def macro_average(figures: list[dict[str, float | int | None]]) -> dict[str, float]:
    """Average each figure over houses, skipping houses where it is undefined."""
    keys = sorted({key for entry in figures for key in entry})
    averages: dict[str, float] = {}
    for key in keys:
        values: list[float] = []
        for entry in figures:
            value = entry.get(key)
            if value is not None and not math.isnan(value):
                values.append(float(value))
        averages[key] = float(np.mean(values)) if values else math.nan
    return averages
