"""Describe a shipped model: data used, features, measured figures, how to rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
import importlib.metadata
import math
from typing import TYPE_CHECKING, Any

from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
)
from training.report import figure_table, tally_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from training.evaluate import PreparedHouse
    from training.fit import FittedModel
    from training.results import Evaluation

__all__ = ["build_card", "card_markdown", "created_from_data", "package_version"]

LIMITATIONS = (
    "Backed by few homes: thirteen UK houses with one recorded day each and "
    "one French house with 24 days; figures on other homes will differ.",
    "Labels come from appliance monitors and sub-meters: lights, hobs and "
    "unmonitored sockets are invisible to them.",
    "The forest's size (16 trees, depth 8, leaves of at least 0.5 % of the "
    "weight) was picked among six settings by these same leave-one-house-out "
    "figures, so they are slightly optimistic.",
    "Fitted on simulated meter input (apparent power from active power with "
    "an assumed power factor, TIC pace and rounding), not on real TIC captures "
    "with labels.",
    "With one day per UK house, most per-house gaps between the model and a "
    "baseline are within chance, and refitting with another seed changes "
    "which houses the model is ahead on; only the gaps listed as significant "
    "above are firm.",
)


def package_version() -> str:
    """Return the installed package version, or 'unknown' outside an install."""
    try:
        return importlib.metadata.version("linky-activity")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def created_from_data(houses: Sequence[PreparedHouse]) -> str:
    """Return the UTC date of the last scored minute, so a rebuild is identical."""
    last = max(
        float(h.tests["1min"].starts_s[h.tests["1min"].scored][-1])
        for h in houses
        if h.tests["1min"].scored.any()
    )
    return datetime.fromtimestamp(last, tz=UTC).date().isoformat()


def _rounded(value: float | int | None, digits: int = 3) -> float | None:
    """Round a figure for the card, undefined written as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _evaluation_section(evaluation: Evaluation) -> dict[str, Any]:
    """Return the card's summary of the leave-one-house-out run."""
    section: dict[str, Any] = {
        "protocol": evaluation.facts.get("protocol", "leave-one-house-out"),
    }
    kept = ("precision", "recall", "f1", "mcc", "auprc", "delay_median_s")
    for resolution in evaluation.resolutions():
        macro = evaluation.macro(resolution)
        houses: dict[str, Any] = {}
        for house in evaluation.at(resolution):
            entry = {
                "model": [
                    _rounded(house.model.figures.f1),
                    _rounded(house.model.figures.mcc),
                ]
            }
            for name, result in house.baselines.items():
                entry[name] = [
                    _rounded(result.figures.f1),
                    _rounded(result.figures.mcc),
                ]
            houses[house.table.key] = entry
        section[resolution] = {
            "significance": {
                **evaluation.significance(resolution),
                "behind": evaluation.firmly_behind(resolution),
            },
            "macro_model": {key: _rounded(macro["model"].get(key)) for key in kept},
            "macro_baselines": {
                name: {key: _rounded(figures.get(key)) for key in ("f1", "mcc")}
                for name, figures in macro["baselines"].items()
            },
            "houses_f1_mcc": houses,
        }
    return section


def build_card(
    *,
    model: FittedModel,
    houses: Sequence[PreparedHouse],
    evaluation: Evaluation,
    command: str,
) -> dict[str, Any]:
    """Return the model card stored inside the model file."""
    data: dict[str, Any] = {}
    for house in houses:
        entry = data.setdefault(house.dataset, {"houses": [], "days": 0.0})
        entry["houses"].append(house.house)
        entry["days"] = round(entry["days"] + house.tests["1min"].days, 2)
    settings = model.settings
    return {
        "name": "Linky Activity per-minute activity model",
        "package_version": package_version(),
        "kind": model.kind,
        "threshold": model.threshold,
        "seed": settings.seed,
        "settings": {
            "trees": settings.trees,
            "max_depth": settings.max_depth,
            "min_leaf_fraction": settings.min_leaf_fraction,
            "max_features": settings.max_features,
            "regularisation_c": settings.regularisation_c,
        }
        if model.kind == "tree_ensemble"
        else {"regularisation_c": settings.regularisation_c},
        "feature_version": FEATURE_VERSION,
        "feature_count": len(FEATURE_NAMES),
        "training_command": command,
        "data": data,
        "evaluation": _evaluation_section(evaluation),
        "limitations": list(LIMITATIONS),
    }


def _seconds(value: Any) -> str:  # noqa: ANN401
    """Format a card delay for markdown."""
    return "-" if value is None else f"{value:.0f}"


def _figure(value: Any) -> str:  # noqa: ANN401
    """Format a card figure for markdown."""
    return "-" if value is None else f"{value:.2f}"


def card_markdown(
    card: dict[str, Any], evaluation: Evaluation, *, created: str, size_bytes: int
) -> str:
    """Return MODEL_CARD.md, written beside the model file."""
    lines = [
        "# Model card: Linky Activity per-minute activity model",
        "",
        f"- Kind: `{card['kind']}`, decision threshold {card['threshold']:.2f}",
        f"- Created: {created} (date of the last labelled minute of the data)",
        f"- Package version: {card['package_version']}; feature version "
        f"{card['feature_version']} ({card['feature_count']} features, listed in "
        "the model file and in `activity/features.py`)",
        f"- File size: {size_bytes} bytes",
        f"- Seed: {card['seed']}; settings: {card['settings']}",
        "",
        "Rebuild it (same data, same command, same bytes):",
        "",
        "```bash",
        str(card["training_command"]),
        "```",
        "",
        "## Data",
        "",
        "| dataset | houses | days |",
        "|---|---|---|",
    ]
    for dataset, entry in card["data"].items():
        names = ", ".join(entry["houses"])
        count = len(entry["houses"])
        lines.append(f"| {dataset} | {count} ({names}) | {entry['days']} |")
    lines += [
        "",
        "Each house is fed through a simulation of what the meter gives "
        "(apparent power at the TIC pace and resolution, tariff period, energy "
        "index), and also with French background loads added (an off-peak "
        "storage water heater and thermostat-cycled convectors) labelled as "
        "inactivity.",
        "",
        "## Measured figures (houses left out of training)",
        "",
    ]
    for resolution in evaluation.resolutions():
        section = card["evaluation"].get(resolution)
        if not section:
            continue
        model = section["macro_model"]
        lines += [
            f"### {resolution}",
            "",
            f"Macro averages over houses: F1 {_figure(model['f1'])}, MCC "
            f"{_figure(model['mcc'])}, precision {_figure(model['precision'])}, "
            f"recall {_figure(model['recall'])}, AUPRC {_figure(model['auprc'])}, "
            f"median detection delay {_seconds(model['delay_median_s'])} s.",
            "",
        ]
        lines += [*figure_table(evaluation, resolution), ""]
        lines += _significance_lines(section["significance"])
    lines += ["## Limitations", ""]
    lines += [f"- {item}" for item in card["limitations"]]
    return "\n".join(lines) + "\n"


def _significance_lines(significance: dict[str, Any]) -> list[str]:
    """Return which gaps to a baseline a paired bootstrap finds beyond chance."""
    lines = [
        f"{tally_line(significance)} Paired block bootstrap over hour blocks, "
        "95 % interval; every other gap, either way, is within what chance "
        "gives on so few days.",
        "",
    ]
    behind: dict[str, list[str]] = significance["behind"]
    lines += [
        f"- {house}: behind {', '.join(names)}" for house, names in behind.items()
    ]
    return [*lines, ""] if behind else lines
