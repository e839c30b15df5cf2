"""Specify the model file: the integration's loader agrees with scikit-learn."""

from __future__ import annotations

from dataclasses import replace
import json
from pathlib import Path

import numpy as np
import pytest

from custom_components.linky_activity.activity.model import parse_model
from training.datasets.refit import read_refit
from training.export import _split_threshold, model_json, write_model
from training.fit import FitSettings, FittedModel, fit_model, training_weights
from training.tables import watts_table

FIXTURES = Path(__file__).parent.parent / "fixtures" / "datasets" / "refit"


@pytest.fixture(scope="module")
def minutes() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return House 2's minutes to fit on and House 12's to predict on."""
    fit_table = watts_table(read_refit(FIXTURES / "House_2.csv"))
    test_table = watts_table(read_refit(FIXTURES / "House_12.csv"))
    keep = fit_table.scored
    return (
        fit_table.features[keep],
        fit_table.labels[keep],
        test_table.features[test_table.scored],
        test_table.labels[test_table.scored],
    )


def _fit(minutes: tuple[np.ndarray, ...], settings: FitSettings) -> FittedModel:
    features, labels, _, _ = minutes
    weights = training_weights(labels, ["refit/House_2"] * labels.size)
    return fit_model(features, labels, weights, settings)


@pytest.mark.parametrize(
    "settings",
    [
        FitSettings(kind="logistic"),
        FitSettings(kind="tree_ensemble", trees=6, max_depth=5),
    ],
    ids=["logistic", "tree_ensemble"],
)
def test_loaded_file_predicts_what_scikit_learn_predicts_on_another_house(
    minutes: tuple[np.ndarray, ...], settings: FitSettings
) -> None:
    model = _fit(minutes, settings).with_threshold(0.37)
    unseen = minutes[2]

    loaded = parse_model(model_json(model, created="2015-01-08", card={}))

    expected = model.predict_proba(unseen)
    assert np.abs(loaded.predict_proba(unseen) - expected).max() < 1e-9
    live = np.array([loaded.probability(row) for row in unseen[:200]])
    assert np.abs(live - expected[:200]).max() < 1e-9
    assert loaded.threshold == 0.37
    assert loaded.kind == settings.kind
    # The probabilities spread: a constant model would pass the checks above.
    assert expected.std() > 0.05


def test_the_shipped_forest_size_stays_under_100_kb(
    minutes: tuple[np.ndarray, ...],
) -> None:
    model = _fit(minutes, FitSettings())

    text = model_json(model, created="2015-01-08", card={"data": "x" * 2000})

    assert len(text.encode()) < 100 * 1024


def test_the_same_model_always_writes_the_same_bytes(
    minutes: tuple[np.ndarray, ...], tmp_path: Path
) -> None:
    settings = FitSettings(kind="tree_ensemble", trees=4, max_depth=4, seed=3)
    first = tmp_path / "first" / "model.json"
    second = tmp_path / "second.json"

    size = write_model(_fit(minutes, settings), first, created="d", card={"a": 1})
    write_model(_fit(minutes, settings), second, created="d", card={"a": 1})

    assert first.read_bytes() == second.read_bytes()
    assert size == first.stat().st_size
    document = json.loads(first.read_text())
    assert document["card"] == {"a": 1}
    assert document["created"] == "d"


def test_another_seed_gives_another_forest(minutes: tuple[np.ndarray, ...]) -> None:
    settings = FitSettings(kind="tree_ensemble", trees=4, max_depth=4)

    first = model_json(_fit(minutes, settings), created="d", card={})
    other = model_json(_fit(minutes, replace(settings, seed=9)), created="d", card={})

    assert first != other


@pytest.mark.parametrize(
    "threshold", [0.1, 0.49523579, -2.5, 1234.56789, 1e-7, 3.4e38, -0.0]
)
def test_a_shortened_split_sends_every_nearby_float32_the_same_way(
    threshold: float,
) -> None:
    written = _split_threshold(threshold)

    nearby = [np.float32(threshold)]
    for direction in (np.inf, -np.inf):
        value = np.float32(threshold)
        for _ in range(4):
            value = np.nextafter(value, np.float32(direction))
            nearby.append(value)
    for value in nearby:
        assert (float(value) <= threshold) == (float(value) <= written)
    assert len(repr(written)) <= len(repr(threshold))
