"""Specify the window and event figures against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, matthews_corrcoef

from training.metrics import (
    average_precision,
    confusion,
    detection_delays,
    macro_average,
    score_predictions,
)


def test_confusion_counts_and_ratios_match_a_hand_worked_example() -> None:
    labels = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    predicted = np.array([1, 0, 0, 1, 1, 0], dtype=bool)

    counts = confusion(labels, predicted)

    assert (counts.true_positive, counts.false_positive) == (2, 1)
    assert (counts.true_negative, counts.false_negative) == (2, 1)
    assert counts.precision == pytest.approx(2 / 3)
    assert counts.recall == pytest.approx(2 / 3)
    assert counts.f1 == pytest.approx(2 / 3)
    # (2*2 - 1*1) / sqrt(3*3*3*3) = 3 / 9.
    assert counts.mcc == pytest.approx(1 / 3)


def test_mcc_agrees_with_scikit_learn_on_a_lopsided_sample() -> None:
    generator = np.random.default_rng(7)
    labels = generator.random(500) < 0.1
    predicted = generator.random(500) < 0.2

    assert confusion(labels, predicted).mcc == pytest.approx(
        matthews_corrcoef(labels, predicted)
    )


def test_undefined_ratios_are_zero_or_nan_never_an_error() -> None:
    never_active = confusion(np.zeros(4, dtype=bool), np.zeros(4, dtype=bool))
    no_prediction = confusion(np.array([1, 0, 0, 0], dtype=bool), np.zeros(4, bool))

    assert math.isnan(never_active.recall)
    assert math.isnan(never_active.f1)
    assert never_active.mcc == 0.0
    assert no_prediction.precision == 0.0
    assert no_prediction.f1 == 0.0


def test_confusion_refuses_arrays_of_different_shapes() -> None:
    with pytest.raises(ValueError, match="differ in shape"):
        confusion(np.zeros(3, dtype=bool), np.zeros(4, dtype=bool))


def test_average_precision_sums_precision_over_recall_steps() -> None:
    labels = np.array([1, 0, 1, 0], dtype=bool)

    # Thresholds 0.9 (P=1, R=.5), 0.8 (P=.5, R=.5), 0.7 (P=2/3, R=1).
    assert average_precision(labels, np.array([0.9, 0.8, 0.7, 0.1])) == (
        pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    )
    # Tied scores form one threshold: 0.5 takes both rows at once (P=2/3, R=1).
    assert average_precision(labels, np.array([0.9, 0.5, 0.5, 0.1])) == (
        pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    )


def test_average_precision_agrees_with_scikit_learn_including_ties() -> None:
    generator = np.random.default_rng(3)
    labels = generator.random(400) < 0.25
    scores = np.round(generator.random(400) + labels * 0.3, 1)

    assert average_precision(labels, scores) == pytest.approx(
        average_precision_score(labels, scores)
    )


def test_average_precision_is_undefined_without_labelled_activity() -> None:
    assert math.isnan(average_precision(np.zeros(5, dtype=bool), np.arange(5.0)))


def _delay_of_one_episode(
    active_window: int, begin: float, end: float, grace: float
) -> float:
    """Return the delay of one episode over ten one-minute windows."""
    predicted = np.zeros(10, dtype=bool)
    predicted[active_window] = True
    delays = detection_delays(
        episode_starts_s=np.array([begin]),
        episode_ends_s=np.array([end]),
        window_starts_s=np.arange(0.0, 600.0, 60.0),
        window_s=60.0,
        predicted=predicted,
        grace_s=grace,
    )
    return float(delays[0])


def test_delay_runs_from_switch_on_to_the_end_of_the_first_active_window() -> None:
    # Window 2 covers 120-180 s and is known at 180 s: 90 s after switch-on.
    assert _delay_of_one_episode(2, begin=90.0, end=200.0, grace=120.0) == 90.0


def test_delay_is_zero_when_the_detector_was_already_active() -> None:
    assert _delay_of_one_episode(3, begin=250.0, end=400.0, grace=0.0) == 0.0


def test_episode_never_detected_within_its_grace_has_no_delay() -> None:
    assert math.isnan(_delay_of_one_episode(8, begin=60.0, end=120.0, grace=120.0))


def test_scores_ignore_masked_windows_and_count_events_within_tolerance() -> None:
    labels = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    predicted = np.array([1, 0, 0, 1, 1, 1], dtype=bool)
    scored = np.array([1, 1, 1, 1, 1, 0], dtype=bool)

    scores = score_predictions(
        labels=labels,
        scored=scored,
        predicted=predicted,
        scores=predicted.astype(float),
        delays_s=np.array([30.0, 150.0, math.nan]),
        event_tolerance_s=120.0,
    )

    # The last window (a false positive) is masked out of every figure.
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.scored_windows == 5
    assert scores.active_windows == 3
    assert scores.event_recall == pytest.approx(1 / 3)
    assert scores.delay_median_s == pytest.approx(90.0)
    assert scores.as_dict()["episodes"] == 3


def test_macro_average_skips_houses_where_a_figure_is_undefined() -> None:
    averages = macro_average(
        [{"f1": 0.5, "delay_median_s": None}, {"f1": 0.7, "delay_median_s": 60.0}]
    )

    assert averages["f1"] == pytest.approx(0.6)
    assert averages["delay_median_s"] == pytest.approx(60.0)
