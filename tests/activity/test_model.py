"""Specify the model file: what it accepts, what it refuses, what it computes."""

from __future__ import annotations

import copy
import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from custom_components.linky_activity.activity.errors import ModelError
from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
    features_for_series,
)
from custom_components.linky_activity.activity.model import (
    MAX_MODEL_BYTES,
    load_model,
    model_from_dict,
    parse_model,
)

from .conftest import model_header

if TYPE_CHECKING:
    from pathlib import Path

    from .conftest import Series

F = len(FEATURE_NAMES)
VA_MEAN = FEATURE_NAMES.index("va_mean")
STEPS_UP_500 = FEATURE_NAMES.index("steps_up_500")


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _logistic_document() -> dict[str, Any]:
    coef = [0.0] * F
    coef[VA_MEAN] = 0.01
    return {
        **model_header("logistic"),
        "logistic": {"coef": coef, "intercept": -3.0},
    }


def _tree_document(aggregation: str = "mean_probability") -> dict[str, Any]:
    # Tree 0: va_mean <= 500 -> 0.1, else steps_up_500 <= 0.5 -> 0.4 else 0.9.
    # Tree 1: a single leaf, 0.2.
    return {
        **model_header("tree_ensemble"),
        "tree_aggregation": aggregation,
        "base_score": 0.0,
        "trees": {
            "split_precision": "float64",
            "feature": [[VA_MEAN, 0, STEPS_UP_500, 0, 0], [0]],
            "threshold": [[500.0, 0.0, 0.5, 0.0, 0.0], [0.0]],
            "left": [[1, -1, 3, -1, -1], [-1]],
            "right": [[2, -1, 4, -1, -1], [-1]],
            "value": [[0.0, 0.1, 0.0, 0.4, 0.9], [0.2]],
        },
    }


def _vector(va_mean: float, steps_up_500: float = 0.0) -> np.ndarray:
    vector = np.zeros(F)
    vector[VA_MEAN] = va_mean
    vector[STEPS_UP_500] = steps_up_500
    return vector


def test_a_logistic_model_gives_the_hand_computed_probabilities() -> None:
    model = model_from_dict(_logistic_document())

    rows = np.vstack([_vector(300), _vector(400), _vector(0)])

    expected = [0.5, _sigmoid(1.0), _sigmoid(-3.0)]
    assert model.predict_proba(rows) == pytest.approx(expected, abs=1e-15)
    assert [model.probability(row) for row in rows] == pytest.approx(
        expected, abs=1e-15
    )


def test_standardisation_is_applied_before_the_logistic() -> None:
    document = _logistic_document()
    mean = [0.0] * F
    scale = [1.0] * F
    mean[VA_MEAN] = 100.0
    scale[VA_MEAN] = 2.0
    document["standardize"] = {"mean": mean, "scale": scale}
    model = model_from_dict(document)

    # z = (500 - 100) / 2 = 200; 0.01 * 200 - 3 = -1.
    assert model.probability(_vector(500)) == pytest.approx(_sigmoid(-1.0))


def test_a_tree_ensemble_averages_leaf_probabilities_by_hand() -> None:
    model = model_from_dict(_tree_document())

    rows = np.vstack([_vector(200), _vector(600, 0), _vector(600, 1)])

    expected = [(0.1 + 0.2) / 2, (0.4 + 0.2) / 2, (0.9 + 0.2) / 2]
    assert model.predict_proba(rows) == pytest.approx(expected, abs=1e-15)
    assert [model.probability(row) for row in rows] == pytest.approx(
        expected, abs=1e-15
    )
    assert model.tree_count == 2


def test_a_boosted_ensemble_sums_leaf_values_then_applies_the_sigmoid() -> None:
    document = _tree_document("sum_logit")
    document["base_score"] = -1.0
    model = model_from_dict(document)

    assert model.probability(_vector(600, 1)) == pytest.approx(
        _sigmoid(-1.0 + 0.9 + 0.2), abs=1e-15
    )


def test_float32_splits_round_the_input_as_scikit_learn_does() -> None:
    document = _tree_document()
    document["trees"]["threshold"][0][0] = 0.1
    float64_model = model_from_dict(document)
    document["trees"]["split_precision"] = "float32"
    float32_model = model_from_dict(document)

    # float32(0.1) is just above 0.1, so it goes right only in float32.
    row = _vector(0.1, 1)
    assert float64_model.probability(row) == pytest.approx((0.1 + 0.2) / 2)
    assert float32_model.probability(row) == pytest.approx((0.9 + 0.2) / 2)
    assert float32_model.predict_proba(row[None, :])[0] == pytest.approx(0.55)


@pytest.mark.filterwarnings("error")
def test_float32_splits_send_values_past_float32_to_infinity_quietly() -> None:
    document = _tree_document()
    document["trees"]["split_precision"] = "float32"
    model = model_from_dict(document)

    # 1e300 has no float32: it compares as infinity, above every split, and
    # neither path warns (a live warning would repeat in the log).
    row = _vector(1e300, 1e300)
    assert model.probability(row) == pytest.approx((0.9 + 0.2) / 2)
    assert model.predict_proba(row[None, :])[0] == pytest.approx(0.55)


def test_a_valid_file_loads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(_tree_document()), encoding="utf-8")

    model = load_model(path)

    assert model.kind == "tree_ensemble"
    assert model.card == {}
    assert model.threshold == 0.5


def _set_all(trees: dict[str, Any], tree: int, make: Any) -> None:
    for key in ("feature", "threshold", "left", "right", "value"):
        trees[key][tree] = make(trees[key][tree])


_BREAK: dict[str, Any] = {
    "format": lambda d, t: d.update(format="pickle"),
    "format_version": lambda d, t: d.update(format_version=2),
    "feature_version": lambda d, t: d.update(feature_version=FEATURE_VERSION + 1),
    "feature_names": lambda d, t: d.update(feature_names=FEATURE_NAMES[::-1]),
    "missing_feature": lambda d, t: d.update(feature_names=FEATURE_NAMES[:-1]),
    "kind": lambda d, t: d.update(kind="neural_net"),
    "threshold": lambda d, t: d.update(threshold=1.5),
    "aggregation": lambda d, t: d.update(tree_aggregation="vote"),
    "base_score": lambda d, t: d.update(base_score=0.3),
    "tree_lengths": lambda d, t: t["value"].__setitem__(0, t["value"][0][:4]),
    "tree_counts": lambda d, t: t.update(left=t["left"][:1]),
    "no_trees": lambda d, t: t.update(
        {key: [] for key in ("feature", "threshold", "left", "right", "value")}
    ),
    "child_out_of_range": lambda d, t: t["right"][0].__setitem__(0, 7),
    "cycle": lambda d, t: t["left"][0].__setitem__(2, 2),
    "shared_child": lambda d, t: t["right"][0].__setitem__(2, 3),
    "one_child": lambda d, t: t["right"][0].__setitem__(2, -1),
    "unknown_feature": lambda d, t: t["feature"][0].__setitem__(0, F),
    "bool_index": lambda d, t: t["left"][0].__setitem__(0, True),
    "string_threshold": lambda d, t: t["threshold"][0].__setitem__(0, "500"),
    "leaf_probability": lambda d, t: t["value"][0].__setitem__(4, 1.5),
    "unreachable": lambda d, t: _set_all(t, 1, lambda column: [*column, column[0]]),
    "precision": lambda d, t: t.update(split_precision="float16"),
    "standardize_scale": lambda d, t: d.update(
        standardize={"mean": [0.0] * F, "scale": [0.0] * F}
    ),
    "card": lambda d, t: d.update(card="text"),
}


def _broken(change: str) -> dict[str, Any]:
    document = _tree_document()
    _BREAK[change](document, document["trees"])
    return document


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("format", "not a model file"),
        ("format_version", "unsupported format_version"),
        ("feature_version", "rebuild the model"),
        ("feature_names", "feature_names differ"),
        ("missing_feature", "feature_names differ"),
        ("kind", "unknown model kind"),
        ("threshold", "threshold must be within"),
        ("aggregation", "tree_aggregation"),
        ("base_score", "base_score"),
        ("tree_lengths", "must have 5 entries"),
        ("tree_counts", "different number of trees"),
        ("no_trees", "tree count"),
        ("child_out_of_range", "out of range"),
        ("cycle", "reached twice"),
        ("shared_child", "reached twice"),
        ("one_child", "only one child"),
        ("unknown_feature", "unknown feature"),
        ("bool_index", "must hold integers"),
        ("string_threshold", "must be a number"),
        ("leaf_probability", "leaf probabilities"),
        ("unreachable", "unreachable"),
        ("precision", "split_precision"),
        ("standardize_scale", "scale must be positive"),
        ("card", "card an object"),
    ],
)
def test_a_malformed_model_is_refused_with_model_error(
    change: str, reason: str
) -> None:
    with pytest.raises(ModelError, match=reason):
        model_from_dict(_broken(change))


def test_a_logistic_model_with_wrong_coefficient_count_is_refused() -> None:
    document = _logistic_document()
    document["logistic"]["coef"] = [0.0] * (F + 1)

    with pytest.raises(ModelError, match="coef"):
        model_from_dict(document)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_in_the_file_are_refused(constant: str) -> None:
    text = json.dumps(_logistic_document()).replace('"intercept": -3.0', "")
    text = text.replace('"logistic": {', f'"logistic": {{"intercept": {constant},')

    with pytest.raises(ModelError, match="non-finite"):
        parse_model(text.encode())


def test_a_tree_deeper_than_the_limit_is_refused() -> None:
    depth = 70
    # A chain: node 2k splits, its left child 2k+1 is a leaf, right goes on.
    size = 2 * depth + 1
    left = [-1] * size
    right = [-1] * size
    for k in range(depth):
        left[2 * k] = 2 * k + 1
        right[2 * k] = 2 * k + 2
    document = _tree_document()
    document["trees"] = {
        "feature": [[0] * size],
        "threshold": [[0.0] * size],
        "left": [left],
        "right": [right],
        "value": [[0.5] * size],
    }

    with pytest.raises(ModelError, match="deeper"):
        model_from_dict(document)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe not utf-8",
        b"{not json",
        b"[1, 2, 3]",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_bytes_that_are_not_a_model_document_are_refused(raw: bytes) -> None:
    with pytest.raises(ModelError):
        parse_model(raw)


def test_an_oversize_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    text = json.dumps(_tree_document())
    path.write_text(text + " " * (MAX_MODEL_BYTES + 1 - len(text)), encoding="utf-8")

    with pytest.raises(ModelError, match="limit"):
        load_model(path)


def test_a_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "absent.json")


def test_batch_and_live_paths_agree_on_real_features(refit_house: Series) -> None:
    _, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "UTC"
    )
    document = _tree_document()
    document["trees"]["split_precision"] = "float32"
    model = model_from_dict(copy.deepcopy(document))

    batch = model.predict_proba(matrix)
    live = np.array([model.probability(row) for row in matrix])

    assert np.array_equal(batch, live)
    assert set(np.round(batch, 12)) >= {0.15, 0.3}
