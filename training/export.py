"""Write a fitted model as the JSON file the integration loads with numpy alone."""

from __future__ import annotations

from decimal import ROUND_CEILING, Context
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
)
from custom_components.linky_activity.activity.model import (
    FORMAT,
    FORMAT_VERSION,
    LEAF,
)

if TYPE_CHECKING:
    from pathlib import Path

    from sklearn.tree import DecisionTreeClassifier

    from training.fit import FittedModel

__all__ = ["model_document", "model_json", "write_model"]

# Leaf probabilities are written with 13 significant digits: the file shrinks
# by a third and the loaded model still agrees with scikit-learn to 1e-12.
LEAF_DIGITS = 13


def _split_threshold(value: float) -> float:
    """Return the shortest number splitting float32 inputs exactly as `value` does.

    scikit-learn compares float32 inputs with a float64 threshold. Any number
    from the largest float32 not above the threshold up to (not including) the
    next float32 sends every float32 input the same way, so the shortest
    decimal in that interval is written instead of seventeen digits.
    """
    low = np.float32(value)
    if float(low) > value:
        low = np.nextafter(low, np.float32(-np.inf))
    floor = float(low)
    high = float(np.nextafter(low, np.float32(np.inf)))
    for digits in range(1, 18):
        rounded_up = Context(prec=digits, rounding=ROUND_CEILING).create_decimal(floor)
        candidate = float(rounded_up)
        if floor <= candidate < high:
            return candidate
    return floor


def _tree_columns(tree: DecisionTreeClassifier) -> dict[str, list[Any]]:
    """Return one tree's nodes as the column lists of the model file."""
    nodes = tree.tree_
    left = nodes.children_left.tolist()
    right = nodes.children_right.tolist()
    values = nodes.value[:, 0, :]
    features: list[int] = []
    thresholds: list[float] = []
    leaf_values: list[float] = []
    for index, child in enumerate(left):
        if child == LEAF:
            # Leaves carry only their share of active minutes.
            total = float(values[index].sum())
            share = float(values[index, 1]) / total if total > 0 else 0.0
            features.append(0)
            thresholds.append(0)
            leaf_values.append(float(f"{share:.{LEAF_DIGITS}g}"))
        else:
            features.append(int(nodes.feature[index]))
            thresholds.append(_split_threshold(float(nodes.threshold[index])))
            leaf_values.append(0)
    return {
        "feature": features,
        "threshold": thresholds,
        "left": left,
        "right": right,
        "value": leaf_values,
    }


def _estimator_section(model: FittedModel) -> dict[str, Any]:
    """Return the kind-specific part of the model document."""
    if model.logistic is not None:
        assert model.scaler is not None
        return {
            "standardize": {
                "mean": [float(v) for v in model.scaler.mean_],
                "scale": [float(v) for v in model.scaler.scale_],
            },
            "logistic": {
                "coef": [float(v) for v in model.logistic.coef_[0]],
                "intercept": float(model.logistic.intercept_[0]),
            },
        }
    assert model.forest is not None
    trees = [_tree_columns(tree) for tree in model.forest.estimators_]
    columns = ("feature", "threshold", "left", "right", "value")
    return {
        "tree_aggregation": "mean_probability",
        "base_score": 0.0,
        "trees": {
            "split_precision": "float32",
            **{column: [tree[column] for tree in trees] for column in columns},
        },
    }


def model_document(
    model: FittedModel, *, created: str, card: dict[str, Any]
) -> dict[str, Any]:
    """Return the model file's content as a JSON-ready dict."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": model.kind,
        "feature_version": FEATURE_VERSION,
        "feature_names": list(FEATURE_NAMES),
        "threshold": model.threshold,
        "created": created,
        "card": card,
        **_estimator_section(model),
    }


def model_json(model: FittedModel, *, created: str, card: dict[str, Any]) -> str:
    """Return the model file's text: compact, keys in a fixed order, one line.

    The same model always gives the same bytes (Python writes each float as
    its shortest round-trip form), which makes rebuilt files comparable.
    """
    document = model_document(model, created=created, card=card)
    return json.dumps(document, separators=(",", ":"), allow_nan=False) + "\n"


def write_model(
    model: FittedModel, path: Path, *, created: str, card: dict[str, Any]
) -> int:
    """Write the model file and return its size in bytes."""
    text = model_json(model, created=created, card=card)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)
