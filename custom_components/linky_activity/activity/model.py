"""Load, check and evaluate an activity model file with numpy alone."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from .errors import ModelError
from .features import FEATURE_NAMES, FEATURE_VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_MODEL_BYTES",
    "ActivityModel",
    "ModelError",
    "load_model",
    "model_from_dict",
    "parse_model",
]

FORMAT: Final = "linky-activity-model"
FORMAT_VERSION: Final = 1
MAX_MODEL_BYTES: Final = 2 * 1024 * 1024
MAX_TREES: Final = 2000
MAX_NODES_PER_TREE: Final = 32_768
MAX_TOTAL_NODES: Final = 200_000
MAX_DEPTH: Final = 64
LEAF: Final = -1
# Rows evaluated at once in batch mode, to bound the (rows x trees) index array.
_CHUNK_ROWS: Final = 4096

type ModelKind = Literal["logistic", "tree_ensemble"]
type TreeAggregation = Literal["mean_probability", "sum_logit"]


def _sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Return the logistic function without overflow for large |z|."""
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def _sigmoid_scalar(z: float) -> float:
    """Return the logistic function of one number without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    exp_z = math.exp(z)
    return exp_z / (1.0 + exp_z)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Forest:
    """Hold all trees' nodes in flat arrays; leaves point to themselves."""

    feature: npt.NDArray[np.int64]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]
    roots: npt.NDArray[np.int64]
    depth: int
    aggregation: TreeAggregation
    float32_splits: bool
    # The numpy arrays above are views of these compact arrays, which the
    # one-vector path that runs live indexes without numpy's per-call cost.
    feature_list: array[int]
    threshold_list: array[float]
    left_list: array[int]
    right_list: array[int]
    value_list: array[float]
    root_list: array[int]


class ActivityModel:
    """Evaluate a checked model: standardise, then logistic or tree ensemble."""

    def __init__(
        self,
        *,
        kind: ModelKind,
        threshold: float,
        created: str,
        card: dict[str, Any],
        mean: npt.NDArray[np.float64] | None,
        scale: npt.NDArray[np.float64] | None,
        coef: npt.NDArray[np.float64] | None = None,
        intercept: float = 0.0,
        forest: _Forest | None = None,
        base_score: float = 0.0,
    ) -> None:
        """Hold checked parts; use `load_model` or `model_from_dict` to build."""
        self.kind: ModelKind = kind
        self.threshold = threshold
        self.created = created
        self.card = card
        self.feature_names = FEATURE_NAMES
        self.feature_version = FEATURE_VERSION
        self._mean = mean
        self._scale = scale
        self._coef = coef
        self._intercept = intercept
        self._forest = forest
        self._base_score = base_score
        self._mean_list = None if mean is None else mean.tolist()
        self._scale_list = None if scale is None else scale.tolist()
        self._coef_list = None if coef is None else coef.tolist()

    @property
    def tree_count(self) -> int:
        """Return how many trees the model holds (0 for logistic)."""
        return 0 if self._forest is None else len(self._forest.root_list)

    def predict_proba(self, matrix: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Return the activity probability of each row of a feature matrix."""
        x = np.asarray(matrix, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(FEATURE_NAMES):
            raise ValueError(f"expected shape (n, {len(FEATURE_NAMES)}), got {x.shape}")
        if self._mean is not None and self._scale is not None:
            x = (x - self._mean) / self._scale
        if self._coef is not None:
            return _sigmoid(x @ self._coef + self._intercept)
        assert self._forest is not None
        out = np.empty(x.shape[0], dtype=np.float64)
        for start in range(0, x.shape[0], _CHUNK_ROWS):
            chunk = x[start : start + _CHUNK_ROWS]
            out[start : start + _CHUNK_ROWS] = self._forest_proba(chunk)
        return out

    def _forest_proba(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Return the ensemble's probability for a chunk of standardised rows."""
        forest = self._forest
        assert forest is not None
        if forest.float32_splits:
            # Matches scikit-learn's trees, which compare float32 inputs; a
            # value past float32's range becomes infinite there too.
            with np.errstate(over="ignore"):
                x = x.astype(np.float32).astype(np.float64)
        rows = np.arange(x.shape[0])[:, None]
        nodes = np.broadcast_to(forest.roots, (x.shape[0], forest.roots.size)).copy()
        for _ in range(forest.depth):
            go_left = x[rows, forest.feature[nodes]] <= forest.threshold[nodes]
            nodes = np.where(go_left, forest.left[nodes], forest.right[nodes])
        leaves = forest.value[nodes]
        if forest.aggregation == "mean_probability":
            return np.asarray(leaves.mean(axis=1), dtype=np.float64)
        return _sigmoid(self._base_score + leaves.sum(axis=1))

    def probability(self, vector: npt.ArrayLike) -> float:
        """Return the activity probability of one feature vector (live path)."""
        values = np.asarray(vector, dtype=np.float64).tolist()
        if not isinstance(values, list) or len(values) != len(FEATURE_NAMES):
            raise ValueError(f"expected {len(FEATURE_NAMES)} features")
        if self._mean_list is not None and self._scale_list is not None:
            values = [
                (v - m) / s
                for v, m, s in zip(
                    values, self._mean_list, self._scale_list, strict=True
                )
            ]
        if self._coef_list is not None:
            z = self._intercept + math.fsum(
                c * v for c, v in zip(self._coef_list, values, strict=True)
            )
            return _sigmoid_scalar(z)
        forest = self._forest
        assert forest is not None
        if forest.float32_splits:
            with np.errstate(over="ignore"):
                values = np.asarray(values, dtype=np.float32).tolist()
        feature = forest.feature_list
        threshold = forest.threshold_list
        left = forest.left_list
        right = forest.right_list
        total = 0.0
        for root in forest.root_list:
            node = root
            while left[node] != node:
                node = (
                    left[node]
                    if values[feature[node]] <= threshold[node]
                    else right[node]
                )
            total += forest.value_list[node]
        if forest.aggregation == "mean_probability":
            return total / len(forest.root_list)
        return _sigmoid_scalar(self._base_score + total)


def _reject_constant(name: str) -> Any:  # noqa: ANN401
    """Refuse NaN and infinities that Python's JSON reader accepts by default."""
    raise ModelError(f"non-finite number {name} in model file")


def load_model(path: str | Path) -> ActivityModel:
    """Read, check and return the model at `path`; raise ModelError otherwise."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_MODEL_BYTES:
            raise ModelError(f"model file is {size} bytes, limit {MAX_MODEL_BYTES}")
        with file.open("rb") as handle:
            raw = handle.read(MAX_MODEL_BYTES + 1)
    except OSError as err:
        raise ModelError(f"cannot read model file: {err.strerror or err}") from err
    return parse_model(raw)


def parse_model(raw: bytes | str) -> ActivityModel:
    """Check and return a model from the file's bytes; raise ModelError otherwise."""
    if len(raw) > MAX_MODEL_BYTES:
        raise ModelError(f"model file exceeds {MAX_MODEL_BYTES} bytes")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_reject_constant)
    except ModelError:
        raise
    except UnicodeDecodeError as err:
        raise ModelError("model file is not UTF-8") from err
    except json.JSONDecodeError as err:
        raise ModelError(
            f"model file is not JSON: {err.msg} at line {err.lineno}"
        ) from err
    except RecursionError as err:
        raise ModelError("model file nests too deeply") from err
    except ValueError as err:
        # An integer literal longer than Python converts (4300 digits).
        raise ModelError(f"model file holds an unreadable number: {err}") from err
    return model_from_dict(data)


def model_from_dict(data: Any) -> ActivityModel:  # noqa: ANN401
    """Check a decoded model document and return the model it describes."""
    if not isinstance(data, dict):
        raise ModelError("model document must be a JSON object")
    if data.get("format") != FORMAT:
        raise ModelError(f"not a model file: format must be {FORMAT!r}")
    if data.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"unsupported format_version {data.get('format_version')!r}, "
            f"this runtime reads {FORMAT_VERSION}"
        )
    _check_features(data)
    kind = data.get("kind")
    threshold = _finite(data.get("threshold", 0.5), "threshold")
    if not 0.0 <= threshold <= 1.0:
        raise ModelError("threshold must be within [0, 1]")
    created = data.get("created", "")
    card = data.get("card", {})
    if not isinstance(created, str) or not isinstance(card, dict):
        raise ModelError("created must be a string and card an object")
    mean, scale = _standardize(data.get("standardize"))

    coef: npt.NDArray[np.float64] | None = None
    intercept = 0.0
    forest: _Forest | None = None
    base_score = 0.0
    if kind == "logistic":
        coef, intercept = _logistic(data.get("logistic"))
    elif kind == "tree_ensemble":
        aggregation = data.get("tree_aggregation")
        if aggregation not in ("mean_probability", "sum_logit"):
            raise ModelError("tree_aggregation must be mean_probability or sum_logit")
        base_score = _finite(data.get("base_score", 0.0), "base_score")
        if aggregation == "mean_probability" and base_score != 0.0:
            raise ModelError("base_score must be 0 with mean_probability")
        forest = _forest(data.get("trees"), aggregation)
    else:
        raise ModelError(f"unknown model kind {kind!r}")
    return ActivityModel(
        kind=kind,
        threshold=threshold,
        created=created,
        card=card,
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        forest=forest,
        base_score=base_score,
    )


def _check_features(data: Mapping[str, Any]) -> None:
    """Refuse a model built for another feature list or feature version."""
    version = data.get("feature_version")
    if version != FEATURE_VERSION:
        raise ModelError(
            f"model built for feature_version {version!r}, "
            f"this runtime computes {FEATURE_VERSION}: rebuild the model"
        )
    names = data.get("feature_names")
    if not isinstance(names, list) or tuple(names) != FEATURE_NAMES:
        raise ModelError("feature_names differ from the runtime's FEATURE_NAMES")


def _logistic(section: Any) -> tuple[npt.NDArray[np.float64], float]:  # noqa: ANN401
    """Return the checked coefficients and intercept of a logistic model."""
    if not isinstance(section, dict):
        raise ModelError("logistic model needs a 'logistic' object")
    coef = _vector(section.get("coef"), "logistic.coef", len(FEATURE_NAMES))
    return coef, _finite(section.get("intercept"), "logistic.intercept")


def _finite(value: Any, name: str) -> float:  # noqa: ANN401
    """Return a JSON number as a finite float, or raise ModelError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelError(f"{name} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise ModelError(f"{name} must be finite")
    return number


def _vector(value: Any, name: str, size: int) -> npt.NDArray[np.float64]:  # noqa: ANN401
    """Return a list of `size` finite numbers as a float64 array."""
    if not isinstance(value, list) or len(value) != size:
        raise ModelError(f"{name} must be a list of {size} numbers")
    return np.array([_finite(v, name) for v in value], dtype=np.float64)


def _standardize(
    section: Any,  # noqa: ANN401
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.float64] | None]:
    """Return the optional standardisation (mean, scale) with positive scales."""
    if section is None:
        return None, None
    if not isinstance(section, dict):
        raise ModelError("standardize must be an object")
    size = len(FEATURE_NAMES)
    mean = _vector(section.get("mean"), "standardize.mean", size)
    scale = _vector(section.get("scale"), "standardize.scale", size)
    if (scale <= 0).any():
        raise ModelError("standardize.scale must be positive")
    return mean, scale


def _int_list(value: Any, name: str, size: int) -> list[int]:  # noqa: ANN401
    """Return a list of `size` integers, or raise ModelError."""
    if not isinstance(value, list) or len(value) != size:
        raise ModelError(f"{name} must have {size} entries")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ModelError(f"{name} must hold integers")
    return value


def _float_list(value: Any, name: str, size: int) -> list[float]:  # noqa: ANN401
    """Return a list of `size` finite numbers as floats, or raise ModelError."""
    if not isinstance(value, list) or len(value) != size:
        raise ModelError(f"{name} must have {size} entries")
    return [_finite(v, name) for v in value]


def _forest(section: Any, aggregation: TreeAggregation) -> _Forest:  # noqa: ANN401
    """Check every tree and pack them into flat, self-looping node arrays."""
    if not isinstance(section, dict):
        raise ModelError("tree_ensemble model needs a 'trees' object")
    precision = section.get("split_precision", "float32")
    if precision not in ("float32", "float64"):
        raise ModelError("trees.split_precision must be float32 or float64")
    columns = {
        key: section.get(key)
        for key in ("feature", "threshold", "left", "right", "value")
    }
    for key, column in columns.items():
        if not isinstance(column, list):
            raise ModelError(f"trees.{key} must be a list of lists")
    count = len(columns["feature"])  # type: ignore[arg-type]
    if not 1 <= count <= MAX_TREES:
        raise ModelError(f"tree count must be within 1..{MAX_TREES}")
    for key, column in columns.items():
        if len(column) != count:  # type: ignore[arg-type]
            raise ModelError(f"trees.{key} holds a different number of trees")

    feature_all: list[int] = []
    threshold_all: list[float] = []
    left_all: list[int] = []
    right_all: list[int] = []
    value_all: list[float] = []
    roots: list[int] = []
    depth = 0
    for t in range(count):
        nodes = columns["feature"][t]  # type: ignore[index]
        size = len(nodes) if isinstance(nodes, list) else 0
        if not 1 <= size <= MAX_NODES_PER_TREE:
            raise ModelError(
                f"tree {t}: node count must be within 1..{MAX_NODES_PER_TREE}"
            )
        if len(feature_all) + size > MAX_TOTAL_NODES:
            raise ModelError(f"more than {MAX_TOTAL_NODES} nodes in all")
        feature = _int_list(nodes, f"trees.feature[{t}]", size)
        threshold = _float_list(columns["threshold"][t], f"trees.threshold[{t}]", size)  # type: ignore[index]
        left = _int_list(columns["left"][t], f"trees.left[{t}]", size)  # type: ignore[index]
        right = _int_list(columns["right"][t], f"trees.right[{t}]", size)  # type: ignore[index]
        value = _float_list(columns["value"][t], f"trees.value[{t}]", size)  # type: ignore[index]
        depth = max(depth, _check_tree(t, feature, left, right))
        if aggregation == "mean_probability" and any(
            not 0.0 <= value[i] <= 1.0 for i in range(size) if left[i] == LEAF
        ):
            raise ModelError(f"tree {t}: leaf probabilities must be within [0, 1]")

        offset = len(feature_all)
        roots.append(offset)
        for i in range(size):
            leaf = left[i] == LEAF
            feature_all.append(0 if leaf else feature[i])
            threshold_all.append(threshold[i])
            left_all.append(offset + i if leaf else offset + left[i])
            right_all.append(offset + i if leaf else offset + right[i])
            value_all.append(value[i])

    feature_nodes = array("q", feature_all)
    left_nodes = array("q", left_all)
    right_nodes = array("q", right_all)
    root_nodes = array("q", roots)
    threshold_nodes = array("d", threshold_all)
    value_nodes = array("d", value_all)
    return _Forest(
        feature=np.frombuffer(feature_nodes, dtype=np.int64),
        threshold=np.frombuffer(threshold_nodes, dtype=np.float64),
        left=np.frombuffer(left_nodes, dtype=np.int64),
        right=np.frombuffer(right_nodes, dtype=np.int64),
        value=np.frombuffer(value_nodes, dtype=np.float64),
        roots=np.frombuffer(root_nodes, dtype=np.int64),
        depth=depth,
        aggregation=aggregation,
        float32_splits=precision == "float32",
        feature_list=feature_nodes,
        threshold_list=threshold_nodes,
        left_list=left_nodes,
        right_list=right_nodes,
        value_list=value_nodes,
        root_list=root_nodes,
    )


def _check_tree(t: int, feature: list[int], left: list[int], right: list[int]) -> int:
    """Check one tree is a proper binary tree rooted at 0; return its depth."""
    size = len(feature)
    features = len(FEATURE_NAMES)
    seen = [False] * size
    seen[0] = True
    stack = [(0, 0)]
    depth = 0
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        if level > MAX_DEPTH:
            raise ModelError(f"tree {t}: deeper than {MAX_DEPTH}")
        lo, hi = left[node], right[node]
        if lo == LEAF and hi == LEAF:
            continue
        if LEAF in (lo, hi):
            raise ModelError(f"tree {t}: node {node} has only one child")
        if not 0 <= feature[node] < features:
            raise ModelError(f"tree {t}: node {node} splits on unknown feature")
        for child in (lo, hi):
            if not 0 < child < size:
                raise ModelError(f"tree {t}: node {node} child {child} out of range")
            if seen[child]:
                raise ModelError(f"tree {t}: node {child} reached twice (cycle)")
            seen[child] = True
            stack.append((child, level + 1))
    if not all(seen):
        raise ModelError(f"tree {t}: some nodes are unreachable from the root")
    return depth
