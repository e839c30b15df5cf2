"""Show that the documented tree encoding reproduces scikit-learn exactly.

Each test writes a fitted scikit-learn ensemble the way docs/architecture.md
tells an exporter to, loads it with the numpy runtime, and compares the
probabilities on real features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)

from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    features_for_series,
)
from custom_components.linky_activity.activity.model import model_from_dict

from .conftest import model_header

if TYPE_CHECKING:
    from .conftest import Series


@pytest.fixture(scope="module")
def real_features(refit_house: Series) -> tuple[np.ndarray, np.ndarray]:
    _, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "Europe/London"
    )
    level = matrix[:, FEATURE_NAMES.index("ctx5_level_over_baseload_va")]
    noise = np.random.default_rng(7).random(len(level)) < 0.1
    labels = (level > np.median(level)) ^ noise
    return matrix, labels.astype(int)


def _document(section: dict[str, Any]) -> dict[str, Any]:
    return {**model_header("tree_ensemble"), **section}


def _columns(trees: list[dict[str, list[Any]]]) -> dict[str, Any]:
    keys = ("feature", "threshold", "left", "right", "value")
    return {key: [tree[key] for tree in trees] for key in keys}


def _sklearn_tree(estimator: Any, leaf_value: Any) -> dict[str, list[Any]]:
    nodes = estimator.tree_
    return {
        "feature": [max(0, int(f)) for f in nodes.feature],
        "threshold": [float(t) for t in nodes.threshold],
        "left": nodes.children_left.tolist(),
        "right": nodes.children_right.tolist(),
        "value": [float(leaf_value(nodes.value[i])) for i in range(nodes.node_count)],
    }


@pytest.mark.parametrize("forest_class", [RandomForestClassifier, ExtraTreesClassifier])
def test_a_forest_exported_as_documented_matches_scikit_learn(
    forest_class: Any, real_features: tuple[np.ndarray, np.ndarray]
) -> None:
    matrix, labels = real_features
    forest = forest_class(n_estimators=20, max_depth=8, random_state=3)
    forest.fit(matrix, labels)
    trees = [
        _sklearn_tree(tree, lambda value: value[0, 1] / value[0].sum())
        for tree in forest.estimators_
    ]
    section = {
        "tree_aggregation": "mean_probability",
        "trees": {"split_precision": "float32", **_columns(trees)},
    }

    model = model_from_dict(_document(section))

    expected = forest.predict_proba(matrix)[:, 1]
    assert np.abs(model.predict_proba(matrix) - expected).max() < 1e-9


def test_gradient_boosting_exported_as_documented_matches_scikit_learn(
    real_features: tuple[np.ndarray, np.ndarray],
) -> None:
    matrix, labels = real_features
    boosting = GradientBoostingClassifier(
        n_estimators=30, max_depth=3, learning_rate=0.2, random_state=3
    )
    boosting.fit(matrix, labels)
    rate = boosting.learning_rate
    trees = [
        _sklearn_tree(stage[0], lambda value: rate * value[0, 0])
        for stage in boosting.estimators_
    ]
    base_score = float(boosting._raw_predict_init(matrix[:1])[0, 0])
    section = {
        "tree_aggregation": "sum_logit",
        "base_score": base_score,
        "trees": {"split_precision": "float32", **_columns(trees)},
    }

    model = model_from_dict(_document(section))

    expected = boosting.predict_proba(matrix)[:, 1]
    assert np.abs(model.predict_proba(matrix) - expected).max() < 1e-9


def test_histogram_boosting_exported_as_documented_matches_scikit_learn(
    real_features: tuple[np.ndarray, np.ndarray],
) -> None:
    matrix, labels = real_features
    boosting = HistGradientBoostingClassifier(max_iter=30, random_state=3)
    boosting.fit(matrix, labels)
    trees = []
    for (predictor,) in boosting._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": nodes["num_threshold"].tolist(),
                "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
                "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
                "value": np.where(leaf, nodes["value"], 0.0).tolist(),
            }
        )
    section = {
        "tree_aggregation": "sum_logit",
        "base_score": float(np.ravel(boosting._baseline_prediction)[0]),
        "trees": {"split_precision": "float64", **_columns(trees)},
    }

    model = model_from_dict(_document(section))

    expected = boosting.predict_proba(matrix)[:, 1]
    assert np.abs(model.predict_proba(matrix) - expected).max() < 1e-9
