"""Hold what an evaluation produced: every detector's output and figures per house."""

from __future__ import annotations

from dataclasses import dataclass, field
import math
from typing import TYPE_CHECKING, Any

from training.comparison import Comparison, compare_detectors
from training.metrics import json_number, macro_average

if TYPE_CHECKING:
    import numpy as np

    from training.alerts import AlertOutcome
    from training.metrics import Scores
    from training.windows import WindowTable

__all__ = ["DetectorResult", "Evaluation", "HouseResult"]

type Figures = dict[str, float | int | None]

VERDICTS = ("ahead", "level", "behind", "undefined")


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorResult:
    """Hold one detector's per-window output and figures on one house."""

    scores: np.ndarray
    predicted: np.ndarray
    figures: Scores
    alerts: AlertOutcome | None = None

    def as_dict(self) -> Figures:
        """Return the figures, alert counts included, as JSON-ready values."""
        values = self.figures.as_dict()
        if self.alerts is not None:
            values["alerts"] = self.alerts.alerts
            values["false_alerts"] = self.alerts.false_alerts
            values["false_alerts_per_week"] = json_number(
                self.alerts.false_alerts_per_week
            )
            values["gap_alert_rate"] = json_number(self.alerts.gap_alert_rate)
        return values


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseResult:
    """Hold the model and the baselines scored on one house at one resolution.

    `runtime` is the model as the integration's activity sensor shows it:
    its probabilities through the runtime's hysteresis and minimum on-time.
    The comparisons with the baselines are bootstrapped on first use only,
    since most results of a run (other model kinds, robustness views) are
    never compared.
    """

    table: WindowTable
    model: DetectorResult
    baselines: dict[str, DetectorResult]
    runtime: DetectorResult | None = None
    _versus: dict[str, Comparison] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def versus(self) -> dict[str, Comparison]:
        """Return how the model compares with each baseline on this house."""
        for name, other in self.baselines.items():
            if name not in self._versus:
                self._versus[name] = compare_detectors(
                    self.table, self.model.predicted, other.predicted
                )
        return self._versus

    @property
    def unexplained_share(self) -> float:
        """Return the share of scored inactive windows with an unmonitored load."""
        table = self.table
        if table.trusted is None:
            return math.nan
        quiet = table.scored & ~table.labels
        count = int(quiet.sum())
        return float((quiet & ~table.trusted).sum()) / count if count else math.nan

    def as_dict(self) -> dict[str, Any]:
        """Return this house's entry of metrics.json."""
        table = self.table
        return {
            "dataset": table.dataset,
            "house": table.house,
            "resolution": table.resolution,
            "days": round(table.days, 3),
            "scored_windows": int(table.scored.sum()),
            "active_windows": int((table.labels & table.scored).sum()),
            "unexplained_load_share": json_number(self.unexplained_share),
            "model": self.model.as_dict(),
            **(
                {"model_runtime": self.runtime.as_dict()}
                if self.runtime is not None
                else {}
            ),
            "baselines": {
                name: result.as_dict() for name, result in self.baselines.items()
            },
            "versus": {
                name: comparison.as_dict() for name, comparison in self.versus.items()
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    """Hold a whole evaluation run: per-house results and run-level facts."""

    houses: list[HouseResult]
    facts: dict[str, Any] = field(default_factory=dict)

    def resolutions(self) -> list[str]:
        """Return the resolutions evaluated, in first-seen order."""
        return list(dict.fromkeys(house.table.resolution for house in self.houses))

    def at(self, resolution: str) -> list[HouseResult]:
        """Return the houses evaluated at one resolution."""
        return [h for h in self.houses if h.table.resolution == resolution]

    def baseline_names(self, resolution: str | None = None) -> list[str]:
        """Return the baseline names (at one resolution), in first-seen order."""
        names: dict[str, None] = {}
        for house in self.houses:
            if resolution is None or house.table.resolution == resolution:
                names.update(dict.fromkeys(house.baselines))
        return list(names)

    def macro(self, resolution: str) -> dict[str, Any]:
        """Return macro averages of the model and each baseline at a resolution."""
        houses = self.at(resolution)
        runtime = [h.runtime.as_dict() for h in houses if h.runtime is not None]
        return {
            "houses": len(houses),
            "model": macro_average([h.model.as_dict() for h in houses]),
            **({"model_runtime": macro_average(runtime)} if runtime else {}),
            "baselines": {
                name: macro_average(
                    [h.baselines[name].as_dict() for h in houses if name in h.baselines]
                )
                for name in self.baseline_names(resolution)
            },
        }

    def shortfalls(self, resolution: str) -> dict[str, dict[str, list[str]]]:
        """Return, per baseline and figure, the houses where the model is not ahead."""
        out: dict[str, dict[str, list[str]]] = {}
        for name in self.baseline_names(resolution):
            per_figure: dict[str, list[str]] = {"f1": [], "mcc": []}
            for house in self.at(resolution):
                other = house.baselines.get(name)
                if other is None:
                    continue
                for figure, behind in per_figure.items():
                    ours = getattr(house.model.figures, figure)
                    theirs = getattr(other.figures, figure)
                    if math.isnan(ours) or math.isnan(theirs):
                        continue
                    if ours <= theirs:
                        behind.append(house.table.key)
            out[name] = per_figure
        return out

    def verdict_counts(self, resolution: str) -> dict[str, dict[str, dict[str, int]]]:
        """Return, per baseline and figure, how many houses get each verdict."""
        out: dict[str, dict[str, dict[str, int]]] = {}
        for name in self.baseline_names(resolution):
            per_figure = {
                figure: dict.fromkeys(VERDICTS, 0) for figure in ("f1", "mcc")
            }
            for house in self.at(resolution):
                comparison = house.versus.get(name)
                if comparison is None:
                    continue
                per_figure["f1"][comparison.f1.verdict] += 1
                per_figure["mcc"][comparison.mcc.verdict] += 1
            out[name] = per_figure
        return out

    def firmly_behind(self, resolution: str) -> dict[str, list[str]]:
        """Return, per house, the baselines it is significantly behind, and on what.

        A figure counts when its paired block bootstrap puts the whole
        interval of the model-minus-baseline difference below 0; entries
        read like "night_max (F1, MCC)".
        """
        out: dict[str, list[str]] = {}
        for house in self.at(resolution):
            for name, comparison in house.versus.items():
                figures = [
                    figure
                    for figure, difference in (
                        ("F1", comparison.f1),
                        ("MCC", comparison.mcc),
                    )
                    if difference.verdict == "behind"
                ]
                if figures:
                    out.setdefault(house.table.key, []).append(
                        f"{name} ({', '.join(figures)})"
                    )
        return out

    def significance(self, resolution: str) -> dict[str, int]:
        """Return how many houses are significantly behind or ahead of baselines.

        A house is behind when any baseline's F1 or MCC interval lies below 0,
        and ahead of every baseline when all of them lie above 0.
        """
        houses = self.at(resolution)
        ahead = 0
        for house in houses:
            verdicts = [
                verdict
                for comparison in house.versus.values()
                for verdict in (comparison.f1.verdict, comparison.mcc.verdict)
            ]
            ahead += bool(verdicts) and all(v == "ahead" for v in verdicts)
        return {
            "houses": len(houses),
            "behind_a_baseline": len(self.firmly_behind(resolution)),
            "ahead_of_every_baseline": ahead,
        }
