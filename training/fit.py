"""Fit the activity classifier with scikit-learn, seeds fixed, on weighted minutes."""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, Literal

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from training.metrics import confusion

if TYPE_CHECKING:
    from collections.abc import Sequence

_LOGGER = logging.getLogger(__name__)

__all__ = [
    "MODEL_KINDS",
    "FitSettings",
    "FittedModel",
    "best_threshold",
    "fit_model",
    "training_weights",
]

type ModelKind = Literal["logistic", "tree_ensemble"]

MODEL_KINDS: tuple[ModelKind, ...] = ("logistic", "tree_ensemble")
FIT_JOBS = 2
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


@dataclass(frozen=True, slots=True, kw_only=True)
class FitSettings:
    """Hold the fit's knobs; the defaults are the shipped model's.

    The forest is kept small (tree count, depth, leaf size bounded) so the
    exported file stays under 100 KB and a live evaluation costs a few
    microseconds.
    """

    kind: ModelKind = "tree_ensemble"
    seed: int = 0
    regularisation_c: float = 0.1
    trees: int = 16
    max_depth: int = 8
    min_leaf_fraction: float = 0.005
    max_features: float = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class FittedModel:
    """Hold a fitted classifier, its input standardisation and its threshold."""

    kind: ModelKind
    settings: FitSettings
    scaler: StandardScaler | None
    logistic: LogisticRegression | None
    forest: RandomForestClassifier | None
    threshold: float

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Return scikit-learn's activity probability for each feature row."""
        matrix = np.asarray(features, dtype=np.float64)
        if self.scaler is not None:
            matrix = self.scaler.transform(matrix)
        estimator = self.logistic if self.logistic is not None else self.forest
        assert estimator is not None
        return np.asarray(estimator.predict_proba(matrix)[:, 1], dtype=np.float64)

    def with_threshold(self, threshold: float) -> FittedModel:
        """Return the same model deciding at another probability threshold."""
        return FittedModel(
            kind=self.kind,
            settings=self.settings,
            scaler=self.scaler,
            logistic=self.logistic,
            forest=self.forest,
            threshold=threshold,
        )


def training_weights(labels: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """Return sample weights giving every house equal say and both classes too.

    A house with 24 days would otherwise drown thirteen one-day houses, and
    active minutes are the minority in every home.
    """
    truth = np.asarray(labels, dtype=bool)
    names = np.asarray(groups)
    weights = np.zeros(truth.size, dtype=np.float64)
    for name in np.unique(names):
        members = names == name
        weights[members] = 1.0 / np.count_nonzero(members)
    positive = weights[truth].sum()
    negative = weights[~truth].sum()
    if positive > 0 and negative > 0:
        weights[truth] *= negative / positive
    scaled: np.ndarray = weights * (truth.size / weights.sum())
    return scaled


def fit_model(
    features: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    settings: FitSettings,
) -> FittedModel:
    """Fit one classifier of the chosen kind; the threshold starts at 0.5."""
    matrix = np.asarray(features, dtype=np.float64)
    truth = np.asarray(labels, dtype=bool).astype(np.int64)
    if np.unique(truth).size < 2:
        msg = "training data needs both active and inactive minutes"
        raise ValueError(msg)

    if settings.kind == "logistic":
        scaler = StandardScaler().fit(matrix)
        logistic = LogisticRegression(
            C=settings.regularisation_c,
            max_iter=5000,
            random_state=settings.seed,
        ).fit(scaler.transform(matrix), truth, sample_weight=weights)
        return FittedModel(
            kind="logistic",
            settings=settings,
            scaler=scaler,
            logistic=logistic,
            forest=None,
            threshold=0.5,
        )

    forest = RandomForestClassifier(
        n_estimators=settings.trees,
        max_depth=settings.max_depth,
        min_weight_fraction_leaf=settings.min_leaf_fraction,
        max_features=settings.max_features,
        random_state=settings.seed,
        n_jobs=FIT_JOBS,
    ).fit(matrix, truth, sample_weight=weights)
    # Trees are built in parallel, each from its own seed drawn up front, so
    # the forest is the same whatever the thread count. Predictions then run
    # on one thread: summing tree outputs in a fixed order keeps every
    # probability, and so the chosen threshold, identical from run to run.
    forest.set_params(n_jobs=1)
    return FittedModel(
        kind="tree_ensemble",
        settings=settings,
        scaler=None,
        logistic=None,
        forest=forest,
        threshold=0.5,
    )


def best_threshold(
    labels: Sequence[np.ndarray], probabilities: Sequence[np.ndarray]
) -> float:
    """Return the threshold with the best mean per-house MCC, ties to the lowest.

    Chosen per house, then averaged, so one long recording cannot pick the
    threshold for every other home.
    """
    best_value = -np.inf
    best = 0.5
    for threshold in THRESHOLD_GRID:
        values = []
        for truth, probability in zip(labels, probabilities, strict=True):
            values.append(confusion(truth, probability >= threshold).mcc)
        mean = float(np.mean(values)) if values else 0.0
        if mean > best_value + 1e-12:
            best_value, best = mean, float(threshold)
    _LOGGER.debug("Threshold %.2f gives mean MCC %.3f", best, best_value)
    return best
