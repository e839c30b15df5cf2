"""Score the model and the baselines on houses left out of training.

Protocol: leave one house out (every house is scored by a model fitted on all
the others, never on itself), and leave one dataset out (fitted on one
country's houses, scored on the other's). Inside each fold the decision
threshold is picked by a second, inner leave-houses-out split of the training
houses, so no threshold ever sees the house it is scored on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import logging
import math
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from custom_components.linky_activity.activity.fusion import (
    ActivityFusion,
    FusionConfig,
)
from training.alerts import replay_alerts
from training.baselines import baselines_for
from training.fit import (
    MODEL_KINDS,
    FitSettings,
    FittedModel,
    best_threshold,
    fit_model,
    training_weights,
)
from training.metrics import detection_delays, score_predictions
from training.progress import progress_bar
from training.results import DetectorResult, Evaluation, HouseResult

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from training.baselines import BaselineOutput
    from training.fit import ModelKind
    from training.windows import WindowTable

_LOGGER = logging.getLogger(__name__)

__all__ = [
    "RESOLUTIONS",
    "Classifier",
    "PreparedHouse",
    "detector_result",
    "evaluate",
    "fit_for_houses",
    "score_house",
]

RESOLUTIONS = ("1min", "30min")
INNER_FOLDS = 3
MAX_ROWS_PER_TABLE = 8000
# An episode counts as caught when the detector is on within this long, and a
# late detection is still looked for this long after the episode ends.
EVENT_TOLERANCE_S = {"1min": 120.0, "30min": 1800.0}


class Classifier(Protocol):
    """Say what the evaluation needs from a model: probabilities and a threshold."""

    @property
    def threshold(self) -> float:
        """Return the probability at and above which a window is called active."""

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Return the activity probability of each feature row."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedHouse:
    """Hold every table built from one house, ready for fitting and scoring.

    `tests` is the meter's view at each resolution (what is scored);
    `training` the variants a model is fitted on (the meter's view and the
    same house with French background loads added); `quiet` the meter's view
    with injected quiet periods `quiet_gaps_s`, for the alert figures;
    `checks` further views scored for robustness only (power in W instead of
    VA, added background).
    """

    dataset: str
    house: str
    tests: dict[str, WindowTable]
    training: dict[str, tuple[WindowTable, ...]]
    quiet: dict[str, WindowTable]
    quiet_gaps_s: tuple[tuple[float, float], ...]
    checks: dict[str, WindowTable]

    @property
    def key(self) -> str:
        """Return the house's name, unique across datasets."""
        return f"{self.dataset}/{self.house}"


def _training_rows(table: WindowTable) -> np.ndarray:
    """Return the rows of a table to fit on, evenly thinned past a cap.

    Only scored windows whose label is trusted are fitted on (see
    `training.trust`). Weights give each house the same say anyway; thinning
    a month-long house to every n-th minute keeps the fit fast and changes
    little.
    """
    keep = table.scored if table.trusted is None else table.scored & table.trusted
    rows = np.flatnonzero(keep)
    if rows.size > MAX_ROWS_PER_TABLE:
        rows = rows[:: -(-rows.size // MAX_ROWS_PER_TABLE)]
    return rows


def _stack(
    tables: Sequence[WindowTable],
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return the rows to fit on from several tables: features, labels, houses."""
    picked = [_training_rows(t) for t in tables]
    features = [t.features[rows] for t, rows in zip(tables, picked, strict=True)]
    labels = [t.labels[rows] for t, rows in zip(tables, picked, strict=True)]
    groups = [t.key for t, rows in zip(tables, picked, strict=True) for _ in rows]
    return np.vstack(features), np.concatenate(labels), groups


def _fit_tables(tables: Sequence[WindowTable], settings: FitSettings) -> FittedModel:
    """Fit one model on the scored windows of the given tables."""
    features, labels, groups = _stack(tables)
    return fit_model(features, labels, training_weights(labels, groups), settings)


def fit_for_houses(
    houses: Sequence[PreparedHouse], resolution: str, settings: FitSettings
) -> FittedModel:
    """Fit on these houses, the threshold chosen on inner held-out houses."""
    ordered = sorted(houses, key=lambda h: h.key)
    model = _fit_tables([t for h in ordered for t in h.training[resolution]], settings)
    folds = min(INNER_FOLDS, len(ordered))
    if folds < 2:
        return model

    labels: list[np.ndarray] = []
    probabilities: list[np.ndarray] = []
    for fold in range(folds):
        held_out = ordered[fold::folds]
        kept = [h for h in ordered if h not in held_out]
        tables = [t for h in kept for t in h.training[resolution]]
        if not any(t.labels[t.scored].any() for t in tables):
            continue
        inner = _fit_tables(tables, settings)
        for house in held_out:
            table = house.tests[resolution]
            labels.append(table.labels[table.scored])
            probabilities.append(inner.predict_proba(table.features[table.scored]))
    if not labels:
        return model
    return model.with_threshold(best_threshold(labels, probabilities))


def detector_result(
    table: WindowTable,
    scores: np.ndarray,
    predicted: np.ndarray,
) -> DetectorResult:
    """Score one detector's output on one table."""
    starts = table.episode_starts_s
    keep = _episodes_in_scored_windows(table)
    delays = detection_delays(
        episode_starts_s=starts[keep],
        episode_ends_s=table.episode_ends_s[keep],
        window_starts_s=table.starts_s,
        window_s=table.window_s,
        predicted=predicted & table.scored,
        grace_s=EVENT_TOLERANCE_S.get(table.resolution, table.window_s),
    )
    figures = score_predictions(
        labels=table.labels,
        scored=table.scored,
        predicted=predicted,
        scores=scores,
        delays_s=delays,
        event_tolerance_s=EVENT_TOLERANCE_S.get(table.resolution, table.window_s),
    )
    return DetectorResult(scores=scores, predicted=predicted, figures=figures)


def _episodes_in_scored_windows(table: WindowTable) -> np.ndarray:
    """Return which episodes start inside a scored window."""
    index = np.searchsorted(table.starts_s, table.episode_starts_s, side="right") - 1
    inside = (index >= 0) & (
        table.episode_starts_s < table.starts_s[np.maximum(index, 0)] + table.window_s
    )
    keep = np.zeros(table.episode_starts_s.size, dtype=bool)
    keep[inside] = table.scored[index[inside]]
    return keep


def _model_output(
    model: Classifier, table: WindowTable
) -> tuple[np.ndarray, np.ndarray]:
    """Return the model's probabilities and decisions on every window of a table."""
    probabilities = np.zeros(table.starts_s.size, dtype=np.float64)
    valid = np.isfinite(table.features).all(axis=1)
    if valid.any():
        probabilities[valid] = model.predict_proba(table.features[valid])
    return probabilities, (probabilities >= model.threshold) & valid


def score_house(
    house: PreparedHouse, resolution: str, model: Classifier
) -> HouseResult:
    """Score the model and every baseline on one house at one resolution."""
    table = house.tests[resolution]
    quiet = house.quiet.get(resolution)

    def judge(
        run: Callable[[WindowTable], tuple[np.ndarray, np.ndarray]],
    ) -> DetectorResult:
        scores, predicted = run(table)
        result = detector_result(table, scores, predicted)
        if quiet is None:
            return result
        _, quiet_predicted = run(quiet)
        alerts = replay_alerts(quiet, quiet_predicted, gaps_s=house.quiet_gaps_s)
        return replace(result, alerts=alerts)

    def baseline_runner(
        baseline: Callable[[WindowTable], BaselineOutput],
    ) -> Callable[[WindowTable], tuple[np.ndarray, np.ndarray]]:
        def run(view: WindowTable) -> tuple[np.ndarray, np.ndarray]:
            output = baseline(view)
            return output.scores, output.predicted

        return run

    return HouseResult(
        table=table,
        model=judge(lambda view: _model_output(model, view)),
        baselines={
            name: judge(baseline_runner(baseline))
            for name, baseline in baselines_for(resolution).items()
        },
        runtime=(
            judge(lambda view: _runtime_output(model, view))
            if resolution == "1min"
            else None
        ),
    )


def _runtime_output(
    model: Classifier, table: WindowTable
) -> tuple[np.ndarray, np.ndarray]:
    """Return the model's probabilities and the integration's debounced state."""
    probabilities, _ = _model_output(model, table)
    fusion = ActivityFusion(FusionConfig(model_threshold=model.threshold))
    active = np.zeros(table.starts_s.size, dtype=bool)
    for index in np.flatnonzero(np.isfinite(table.features).all(axis=1)):
        state = fusion.update(
            float(table.starts_s[index]), float(probabilities[index]), None, 0.0
        )
        active[index] = state.active
    return probabilities, active


def _check_scores(
    house: PreparedHouse, model: Classifier, resolution: str
) -> dict[str, HouseResult]:
    """Score the robustness views of one house (one-minute views only)."""
    if resolution != "1min":
        return {}
    out: dict[str, HouseResult] = {}
    for variant, table in house.checks.items():
        view = replace(house, tests={resolution: table}, quiet={})
        out[variant] = score_house(view, resolution, model)
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class _Run:
    """Hold one protocol's per-house results and robustness views."""

    houses: list[HouseResult]
    checks: dict[str, list[HouseResult]]
    thresholds: dict[str, list[float]]


def _leave_one_house_out(
    houses: Sequence[PreparedHouse],
    settings: FitSettings,
    progress: bool,
) -> _Run:
    """Fit without each house in turn and score that house at every resolution."""
    results: list[HouseResult] = []
    checks: dict[str, list[HouseResult]] = {}
    thresholds: dict[str, list[float]] = {r: [] for r in RESOLUTIONS}
    steps = [(house, r) for r in RESOLUTIONS for house in houses]
    for house, resolution in progress_bar(
        steps,
        desc=f"leave one house out ({settings.kind})",
        unit="fold",
        shown=progress,
    ):
        others = [h for h in houses if h.key != house.key]
        model = fit_for_houses(others, resolution, settings)
        thresholds[resolution].append(model.threshold)
        results.append(score_house(house, resolution, model))
        for variant, result in _check_scores(house, model, resolution).items():
            checks.setdefault(variant, []).append(result)
    return _Run(houses=results, checks=checks, thresholds=thresholds)


def _leave_one_dataset_out(
    houses: Sequence[PreparedHouse], settings: FitSettings, progress: bool
) -> list[HouseResult]:
    """Fit on the other datasets' houses and score each dataset's houses."""
    datasets = sorted({h.dataset for h in houses})
    if len(datasets) < 2:
        return []
    results: list[HouseResult] = []
    for dataset in progress_bar(
        datasets, desc="leave one dataset out", unit="fold", shown=progress
    ):
        others = [h for h in houses if h.dataset != dataset]
        model = fit_for_houses(others, "1min", settings)
        results += [
            score_house(h, "1min", model) for h in houses if h.dataset == dataset
        ]
    return results


def _macro_of(results: list[HouseResult]) -> dict[str, Any]:
    """Return macro averages of a list of per-house results."""
    return (
        Evaluation(houses=results).macro(results[0].table.resolution) if results else {}
    )


def _data_facts(houses: Sequence[PreparedHouse]) -> dict[str, Any]:
    """Return which datasets, houses and days the evaluation used."""
    per_dataset: dict[str, dict[str, Any]] = {}
    for house in houses:
        entry = per_dataset.setdefault(house.dataset, {"houses": [], "days": 0.0})
        entry["houses"].append(house.house)
        entry["days"] = round(entry["days"] + house.tests["1min"].days, 2)
    return per_dataset


def evaluate(
    houses: Sequence[PreparedHouse],
    *,
    seed: int = 0,
    kinds: Sequence[ModelKind] = MODEL_KINDS,
    fixed_model: Classifier | None = None,
    progress: bool = True,
) -> Evaluation:
    """Run the whole protocol and return per-house results and run-level facts.

    Every kind in `kinds` is run leave-one-house-out; the one with the best
    mean one-minute MCC is reported as "the model". With `fixed_model`, that
    model is scored on every house at one minute instead (in-sample for the
    houses it was fitted on), and the thirty-minute rows still come from
    leave-one-house-out fits.
    """
    if len(houses) < 2:
        msg = "the evaluation needs at least two labelled houses"
        raise ValueError(msg)

    runs = {
        kind: _leave_one_house_out(houses, FitSettings(kind=kind, seed=seed), progress)
        for kind in kinds
    }
    candidates = {
        kind: {
            resolution: Evaluation(houses=run.houses).macro(resolution)["model"]
            for resolution in RESOLUTIONS
        }
        for kind, run in runs.items()
    }
    chosen = max(kinds, key=lambda k: _finite(candidates[k]["1min"].get("mcc")))
    run = runs[chosen]
    results = run.houses
    if fixed_model is not None:
        fixed = [score_house(h, "1min", fixed_model) for h in houses]
        results = fixed + [r for r in results if r.table.resolution != "1min"]

    settings = FitSettings(kind=chosen, seed=seed)
    lodo = _leave_one_dataset_out(houses, settings, progress)
    facts: dict[str, Any] = {
        "protocol": "leave-one-house-out"
        + (" (1min: fixed model, in-sample)" if fixed_model is not None else ""),
        "model_kind": chosen,
        "candidates": candidates,
        "thresholds": run.thresholds,
        "data": _data_facts(houses),
        "leave_one_dataset_out": {
            "houses": [r.as_dict() for r in lodo],
            "macro": _macro_of(lodo),
        },
        "robustness": {
            variant: _macro_of(checked) for variant, checked in run.checks.items()
        },
    }
    ordered = sorted(
        results, key=lambda r: (RESOLUTIONS.index(r.table.resolution), r.table.key)
    )
    return Evaluation(houses=ordered, facts=facts)


def _finite(value: float | None) -> float:
    """Return a figure for ranking, undefined ranking last."""
    return -math.inf if value is None or math.isnan(value) else value
