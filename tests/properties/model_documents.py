"""Give small valid model documents of each kind, for tests to load or spoil."""

from __future__ import annotations

from typing import Any

from activity.conftest import model_header

from custom_components.linky_activity.activity.features import FEATURE_NAMES

F = len(FEATURE_NAMES)


def logistic_document() -> dict[str, Any]:
    """Return a valid standardised logistic model."""
    return {
        **model_header("logistic"),
        "standardize": {"mean": [100.0] * F, "scale": [50.0] * F},
        "logistic": {"coef": [0.01 * (i % 7 - 3) for i in range(F)], "intercept": -2},
    }


def trees_document() -> dict[str, Any]:
    """Return a valid boosted tree ensemble of two trees."""
    return {
        **model_header("tree_ensemble"),
        "standardize": {"mean": [100.0] * F, "scale": [50.0] * F},
        "tree_aggregation": "sum_logit",
        "base_score": -0.4,
        "trees": {
            "split_precision": "float32",
            "feature": [[0, 0, 5, 0, 0], [3]],
            "threshold": [[1.5, 0.0, -0.25, 0.0, 0.0], [0.0]],
            "left": [[1, -1, 3, -1, -1], [-1]],
            "right": [[2, -1, 4, -1, -1], [-1]],
            "value": [[0.0, -1.2, 0.0, 0.3, 2.2], [0.1]],
        },
    }
