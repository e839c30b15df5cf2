"""Check that no model file, however damaged or hostile, does more than fail cleanly.

The model file is data the integration loads at start: whatever its bytes,
loading either gives a model whose probabilities are finite numbers in
[0, 1] for any finite feature vector, or raises ModelError with a reason,
which the integration turns into a repair issue. Nothing else may escape.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np
import pytest

from custom_components.linky_activity.activity.errors import ModelError
from custom_components.linky_activity.activity.features import FEATURE_NAMES
from custom_components.linky_activity.activity.model import (
    ActivityModel,
    parse_model,
)

from .model_documents import logistic_document, trees_document

F = len(FEATURE_NAMES)
DOCUMENTS: dict[str, dict[str, Any]] = {
    "logistic": logistic_document(),
    "trees": trees_document(),
}

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    | st.text(max_size=6)
)
json_values = st.recursive(
    _json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=6), children, max_size=4),
    ),
    max_leaves=10,
)
# Number literals JSON allows but that Python's json module reads as
# something else than a finite float, or refuses outright.
odd_literals = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 5000, "-" + "7" * 4400]
)


def _assert_sound(model: ActivityModel, seed: int) -> None:
    """Check a loaded model gives finite probabilities in [0, 1] on finite inputs."""
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, 1000.0, size=(16, F))
    matrix[0] = 0.0
    probabilities = model.predict_proba(matrix)
    assert probabilities.shape == (16,)
    assert np.isfinite(probabilities).all()
    assert ((probabilities >= 0.0) & (probabilities <= 1.0)).all()
    assert 0.0 <= model.probability(matrix[1]) <= 1.0


def _load(raw: bytes, seed: int) -> None:
    """Load bytes as a model: a sound model or ModelError, nothing else."""
    try:
        model = parse_model(raw)
    except ModelError:
        return
    _assert_sound(model, seed)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """List the path of every member and item of a document, at any depth."""
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _paths(value, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """Return a copy of a document with the member at `path` replaced."""
    if not path:
        return value
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return changed


def test_the_unchanged_documents_load_as_sound_models() -> None:
    for document in DOCUMENTS.values():
        _assert_sound(parse_model(json.dumps(document).encode()), 0)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.integers(0, 2**32 - 1))
def test_arbitrary_bytes_load_as_a_sound_model_or_raise_model_error(
    raw: bytes, seed: int
) -> None:
    _load(raw, seed)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(DOCUMENTS)), st.data())
def test_any_member_replaced_by_any_json_loads_soundly_or_raises_model_error(
    kind: str, data: st.DataObject
) -> None:
    document = DOCUMENTS[kind]
    path = data.draw(st.sampled_from(_paths(document)), label="path")
    value = data.draw(json_values, label="value")

    _load(json.dumps(_replace(document, path, value)).encode(), 0)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(DOCUMENTS)), st.data())
def test_any_number_written_as_an_odd_literal_is_refused_with_model_error(
    kind: str, data: st.DataObject
) -> None:
    text = json.dumps(DOCUMENTS[kind])
    numbers = [
        index
        for index, char in enumerate(text)
        if (char.isdigit() or char == "-") and text[index - 1] in " [:,"
    ]
    start = data.draw(st.sampled_from(numbers), label="number")
    end = start + 1
    while end < len(text) and text[end] in "0123456789.eE+-":
        end += 1
    literal = data.draw(odd_literals, label="literal")

    with pytest.raises(ModelError):
        parse_model((text[:start] + literal + text[end:]).encode())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(DOCUMENTS)), st.data())
def test_any_span_of_the_file_overwritten_loads_soundly_or_raises_model_error(
    kind: str, data: st.DataObject
) -> None:
    raw = bytearray(json.dumps(DOCUMENTS[kind]).encode())
    start = data.draw(st.integers(0, len(raw) - 1), label="start")
    junk = data.draw(st.binary(min_size=1, max_size=12), label="junk")
    raw[start : start + len(junk)] = junk

    _load(bytes(raw), 0)
