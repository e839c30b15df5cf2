"""Specify the fit's weighting, threshold choice and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from training.fit import FitSettings, best_threshold, fit_model, training_weights


def test_weights_give_each_house_and_each_class_the_same_total() -> None:
    labels = np.array([1, 0, 0, 0, 1, 0], dtype=bool)
    groups = ["long", "long", "long", "long", "short", "short"]

    weights = training_weights(labels, groups)

    # Worked by hand: houses first sum to one (1/4 and 1/2 a minute), active
    # minutes are then scaled by 1.25 / 0.75 so both classes total 1.25, and
    # everything by 6 / 2.5 so the weights average one.
    assert weights == pytest.approx([1.0, 0.6, 0.6, 0.6, 2.0, 1.2])
    assert weights[labels].sum() == pytest.approx(weights[~labels].sum())


def test_threshold_is_the_one_with_the_best_mean_mcc_across_houses() -> None:
    first_truth = np.array([0, 0, 0, 1, 1], dtype=bool)
    first_probability = np.array([0.1, 0.2, 0.3, 0.6, 0.7])
    second_truth = np.array([0, 0, 1, 1], dtype=bool)
    second_probability = np.array([0.2, 0.5, 0.55, 0.9])

    threshold = best_threshold(
        [first_truth, second_truth], [first_probability, second_probability]
    )

    # Anything in (0.5, 0.55] separates both houses perfectly; the grid's
    # lowest such value wins.
    assert threshold == pytest.approx(0.51)


def test_fit_refuses_data_without_any_active_minute() -> None:
    features = np.arange(20.0).reshape(10, 2)
    labels = np.zeros(10, dtype=bool)

    with pytest.raises(ValueError, match="both active and inactive"):
        fit_model(features, labels, np.ones(10), FitSettings(kind="logistic"))
