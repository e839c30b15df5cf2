"""Write an evaluation to a report folder: metrics.json, report.md and plots."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from training import plots
from training.comparison import BLOCK_S, CONFIDENCE_PERCENT, RESAMPLES

if TYPE_CHECKING:
    from pathlib import Path

    from training.comparison import Difference
    from training.results import Evaluation, HouseResult

__all__ = [
    "LABEL_BLIND_SPOTS",
    "figure_table",
    "metrics_document",
    "report_markdown",
    "tally_line",
    "write_report",
]

LABEL_BLIND_SPOTS = (
    "Lights are on no appliance monitor in REFIT and on no sub-meter in the "
    "French house: evening lighting is activity the labels cannot see.",
    "Hobs and ovens are metered in the French house's kitchen circuit but in "
    "none of the REFIT houses; cooking on them is unlabelled there.",
    "REFIT monitors nine appliances per house; every other socket (chargers, "
    "hair dryers, vacuum cleaners, irons, games consoles) is invisible to the "
    "labels, so part of every detector's false positives is real activity.",
    "The French house's laundry and kitchen sub-meters mix several appliances "
    "on one circuit, and its water-heater sub-meter includes an air "
    "conditioner; labels there are coarser than REFIT's per-appliance ones.",
    "Presence without consumption (reading, sleeping in, a quiet visit) is "
    "inactivity for every detector and every label here.",
)


def _clean(value: Any) -> Any:  # noqa: ANN401
    """Return `value` with every NaN float replaced by None, recursively."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def metrics_document(evaluation: Evaluation) -> dict[str, Any]:
    """Return metrics.json's content: one entry per house and resolution."""
    summary: dict[str, Any] = {
        resolution: {
            "macro": evaluation.macro(resolution),
            "model_not_ahead": evaluation.shortfalls(resolution),
            "versus": evaluation.verdict_counts(resolution),
            "significance": evaluation.significance(resolution),
        }
        for resolution in evaluation.resolutions()
    }
    summary.update(evaluation.facts)
    document: dict[str, Any] = _clean(
        {
            "houses": [house.as_dict() for house in evaluation.houses],
            "summary": summary,
        }
    )
    return document


def _number(value: float | None, digits: int = 2) -> str:
    """Format a figure for a table cell, a dash when undefined."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.{digits}f}"


def _seconds(value: float | None) -> str:
    """Format a delay in seconds for a table cell."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.0f}"


def figure_table(evaluation: Evaluation, resolution: str) -> list[str]:
    """Return the F1 and MCC of the model and every baseline, one row a house."""
    names = evaluation.baseline_names(resolution)
    header = ["house", "model F1", "model MCC"]
    for name in names:
        header += [f"{name} F1", f"{name} MCC"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for house in evaluation.at(resolution):
        cells = [
            house.table.key,
            _number(house.model.figures.f1),
            _number(house.model.figures.mcc),
        ]
        for name in names:
            other = house.baselines[name].figures
            cells += [_number(other.f1), _number(other.mcc)]
        lines.append("| " + " | ".join(cells) + " |")
    macro = evaluation.macro(resolution)
    cells = ["**macro**", _number(macro["model"]["f1"]), _number(macro["model"]["mcc"])]
    for name in names:
        cells += [
            _number(macro["baselines"][name]["f1"]),
            _number(macro["baselines"][name]["mcc"]),
        ]
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def _detail_row(house: HouseResult) -> str:
    """Return one house's model figures as a markdown table row."""
    figures = house.model.figures
    alerts = house.model.alerts
    table = house.table
    share = (
        figures.active_windows / figures.scored_windows
        if figures.scored_windows
        else math.nan
    )
    cells = [
        table.key,
        _number(table.days, 1),
        _number(100 * share, 0),
        str(figures.episodes),
        _number(figures.precision),
        _number(figures.recall),
        _number(figures.f1),
        _number(figures.mcc),
        _number(figures.auprc),
        _seconds(figures.delay_median_s),
        _seconds(figures.delay_p90_s),
        _number(figures.event_recall),
        _number(alerts.false_alerts_per_week, 1) if alerts else "-",
        _number(alerts.gap_alert_rate) if alerts else "-",
    ]
    return "| " + " | ".join(cells) + " |"


def _detail_table(evaluation: Evaluation, resolution: str) -> list[str]:
    """Return every model figure per house at one resolution, with macro means."""
    header = (
        "house | days | active % | episodes | precision | recall | F1 | MCC | "
        "AUPRC | delay median s | delay p90 s | event recall | "
        "false alerts / week | gaps alerted"
    )
    lines = [f"| {header} |", "|" + "---|" * (header.count("|") + 1)]
    lines += [_detail_row(house) for house in evaluation.at(resolution)]
    macro = evaluation.macro(resolution)["model"]
    cells = ["**macro**", "", "", ""]
    cells += [
        _number(macro.get(key)) for key in ("precision", "recall", "f1", "mcc", "auprc")
    ]
    cells += [_seconds(macro.get("delay_median_s")), _seconds(macro.get("delay_p90_s"))]
    cells += [
        _number(macro.get("event_recall")),
        _number(macro.get("false_alerts_per_week"), 1),
        _number(macro.get("gap_alert_rate")),
    ]
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def _runtime_lines(evaluation: Evaluation, resolution: str) -> list[str]:
    """Return the macro figures of the model as the activity sensor shows it."""
    runtime = evaluation.macro(resolution).get("model_runtime")
    if not runtime:
        return []
    return [
        "Through the integration's debounce (hysteresis, 5-minute minimum "
        f"on-time), as the activity sensor shows it: {_macro_pair(runtime)}, "
        f"precision {_number(runtime.get('precision'))}, recall "
        f"{_number(runtime.get('recall'))}, event recall "
        f"{_number(runtime.get('event_recall'))}, false alerts a week "
        f"{_number(runtime.get('false_alerts_per_week'), 1)}, injected quiet "
        f"periods alerted {_number(runtime.get('gap_alert_rate'))}.",
        "",
    ]


VERDICT_WORDS = {
    "behind": "behind",
    "level": "within chance",
    "ahead": "ahead",
    "undefined": "no interval",
}


def _gap(difference: Difference) -> str:
    """Return a gap's verdict, its difference and interval, for a sentence."""
    words = VERDICT_WORDS[difference.verdict]
    if difference.verdict == "undefined":
        return f"{words}, {_number(difference.difference)}"
    interval = f"[{_number(difference.low)}, {_number(difference.high)}]"
    return f"{words}, {_number(difference.difference)} {interval}"


def tally_line(significance: dict[str, Any]) -> str:
    """Return how many houses are significantly behind or ahead of the baselines."""
    return (
        f"Significantly behind a baseline on {significance['behind_a_baseline']} "
        f"of {significance['houses']} houses; significantly ahead of every "
        f"baseline on {significance['ahead_of_every_baseline']}."
    )


def _shortfall_lines(evaluation: Evaluation, resolution: str) -> list[str]:
    """Return where the model does not beat a baseline, and which gaps are real."""
    houses = {house.table.key: house for house in evaluation.at(resolution)}
    lines: list[str] = []
    for name, per_figure in evaluation.shortfalls(resolution).items():
        for figure, keys in per_figure.items():
            gaps = [
                f"{key} ({_gap(getattr(houses[key].versus[name], figure))})"
                for key in keys
            ]
            if gaps:
                lines.append(
                    f"- {figure.upper()} not above `{name}` on: {', '.join(gaps)}"
                )
    tally = tally_line(evaluation.significance(resolution))
    if not lines:
        return [
            "The model's F1 and MCC are above every baseline's on every house.",
            "",
            tally,
        ]
    return [
        "The model is **not** ahead everywhere (behind: the "
        f"{CONFIDENCE_PERCENT:.0f} % interval of the difference lies entirely "
        "below 0; within chance: it covers 0):",
        "",
        *lines,
        "",
        tally,
    ]


BASELINE_DEFINITIONS = {
    "baseload_threshold": "active when the window's power exceeds the same "
    "local day's 5th percentile by 200 VA (200 W on the load curve)",
    "night_max": "night-referenced (NIOM-style): active when the trailing "
    "10-minute mean, deviation or range of power exceeds its maximum over the "
    "same day's 00:00-05:00 (the slot's mean alone at 30 minutes)",
    "daytime": "active from 07:00 to 22:00 local time, whatever the power",
    "night_reference": "the integration's own night baseline (learned without "
    "labels) applied to every minute: active when a load's own excess reaches "
    "its learned threshold and is not explained as background (1-minute only)",
}


def _preamble(facts: dict[str, Any]) -> list[str]:
    """Return what was evaluated and how."""
    lines = [f"Protocol: {facts.get('protocol', 'leave-one-house-out')}."]
    data = facts.get("data", {})
    for dataset, entry in data.items():
        lines.append(
            f"- {dataset}: {len(entry['houses'])} house(s), {entry['days']} "
            f"scored days ({', '.join(entry['houses'])})"
        )
    kind = facts.get("model_kind")
    if kind:
        lines.append(
            f"\nModel: `{kind}`, chosen among {', '.join(facts.get('candidates', {}))}"
            " by mean held-out one-minute MCC. Decision thresholds per fold "
            "(picked on inner held-out houses): "
            + "; ".join(
                f"{resolution} {min(values):.2f}-{max(values):.2f}"
                for resolution, values in facts.get("thresholds", {}).items()
                if values
            )
            + "."
        )
    lines += [
        "",
        "One-minute windows are what the integration computes live, here from a "
        "simulated meter: the dataset's active power turned into apparent power "
        "(a drawn power factor), read at the historical TIC pace (a frame every "
        "1.5-2.5 s, 10 VA steps), with a 22:00-06:00 off-peak period and the "
        "energy index. Thirty-minute windows come from the utility's load "
        "curve (mean active power per half hour); a slot is active when any of "
        "its scored minutes is. Masked minutes (ambiguous appliances, missing "
        "data) are left out of every figure. Event recall counts labelled "
        "episodes detected within 2 minutes (1 min) or within the slot (30 "
        "min); delays run from the first appliance switching on to the end of "
        "the first window the detector calls active.",
        "",
    ]
    return lines


def _macro_pair(figures: dict[str, Any]) -> str:
    """Return 'F1 x, MCC y' for a macro block."""
    return f"F1 {_number(figures.get('f1'))}, MCC {_number(figures.get('mcc'))}"


def _candidates_section(facts: dict[str, Any]) -> list[str]:
    """Return the comparison of the model kinds that were tried."""
    candidates = facts.get("candidates", {})
    if not candidates:
        return []
    lines = ["## Model kinds compared", "", "| kind | 1min | 30min |", "|---|---|---|"]
    for kind, per_resolution in candidates.items():
        cells = [_macro_pair(per_resolution.get(r, {})) for r in ("1min", "30min")]
        lines.append(f"| {kind} | {cells[0]} | {cells[1]} |")
    return [*lines, ""]


def _dataset_section(facts: dict[str, Any]) -> list[str]:
    """Return the leave-one-dataset-out figures."""
    lodo = facts.get("leave_one_dataset_out", {})
    houses = lodo.get("houses", [])
    if not houses:
        return []
    lines = [
        "## Leave one dataset out (1 min)",
        "",
        "Fitted on the other datasets' houses only (UK houses for the French "
        "one, and the reverse):",
        "",
        "| house | model | " + " | ".join(houses[0]["baselines"]) + " |",
        "|" + "---|" * (2 + len(houses[0]["baselines"])),
    ]
    for entry in houses:
        cells = [f"{entry['dataset']}/{entry['house']}", _macro_pair(entry["model"])]
        cells += [_macro_pair(figures) for figures in entry["baselines"].values()]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _robustness_section(facts: dict[str, Any]) -> list[str]:
    """Return the macro figures on the robustness views."""
    views = facts.get("robustness", {})
    if not views:
        return []
    meaning = {
        "watts": "the dataset's active power fed straight to the features "
        "(no power factor, no 10 VA steps, dataset pace, no tariff or index)",
        "french_background": "the meter's view with a simulated off-peak "
        "storage water heater and thermostat-cycled convectors added",
        "trusted_labels": "the meter's view scored only where the label is "
        "trusted (no large unmonitored load in minutes labelled inactive)",
    }
    lines = ["## Robustness (1 min, macro over houses)", ""]
    for view, macro in views.items():
        if not macro:
            continue
        baselines = "; ".join(
            f"{name} {_macro_pair(figures)}"
            for name, figures in macro.get("baselines", {}).items()
        )
        lines.append(
            f"- {view} ({meaning.get(view, view)}): model {_macro_pair(macro['model'])}"
            f"; {baselines}"
        )
    return [*lines, ""]


def _unexplained_lines(evaluation: Evaluation) -> list[str]:
    """Return, per house, how many 'inactive' minutes carry an unmonitored load."""
    houses = [h for h in evaluation.at("1min") if not math.isnan(h.unexplained_share)]
    if not houses:
        return []
    shares = ", ".join(
        f"{h.table.key} {100 * h.unexplained_share:.0f} %" for h in houses
    )
    return [
        "Share of the minutes labelled inactive during which the rest of the "
        "house (aggregate minus every monitored channel) drew at least 300 W "
        "over its own quiet level: an unmonitored appliance was running, "
        f"often a person's (shower, hob, lights): {shares}. Those minutes are "
        "left out of the fit but kept in every score; the robustness view "
        "`trusted_labels` scores without them.",
        "",
    ]


def _definitions() -> list[str]:
    """Return how the baselines, the alert figures and the gap verdicts work."""
    lines = ["## Baselines", ""]
    lines += [f"- `{name}`: {text}." for name, text in BASELINE_DEFINITIONS.items()]
    lines += [
        "",
        "## Inactivity alerts",
        "",
        "Each day's 10:00-15:00 is replaced by the quietest five hours of the "
        "same home's night (before the meter is simulated), and every "
        "detector's minutes are fed to the integration's own inactivity "
        "tracker (day window 07:00-22:00, default 4-hour threshold: too few "
        "days here to learn a home's usual gaps). An alert is false when the "
        "labels show activity in the four hours it claims were quiet; "
        "'gaps alerted' is the share of injected quiet periods that raised a "
        "true alert. Per-week figures scale each house's recorded days.",
        "",
        "## Model against a baseline: real gaps and chance",
        "",
        "Each house's F1 and MCC differences (model minus baseline) come with "
        "a paired block bootstrap: the scored windows are cut into "
        f"{BLOCK_S / 3600:.0f}-hour clock blocks, {RESAMPLES} resamples of "
        "those blocks (drawn with replacement, the same ones for both "
        f"detectors) give the difference's spread, and its {CONFIDENCE_PERCENT:.0f} % "
        "percentile interval says 'behind' when it lies entirely below 0, "
        "'ahead' when entirely above 0, and 'within chance' when it covers 0 "
        "(no interval for a house of fewer than two hours or without "
        "labelled activity; resamples that draw no activity, or nothing but "
        "activity, are left out, as no figure can tell detectors apart there).",
        "",
    ]
    return lines


def report_markdown(evaluation: Evaluation, plot_names: dict[str, str]) -> str:
    """Return the human-readable report."""
    facts = evaluation.facts
    lines = ["# Activity detection: evaluation report", ""]
    lines += _preamble(facts)
    for resolution in evaluation.resolutions():
        lines += [
            f"## {resolution} windows",
            "",
            "Model against the baselines (houses left out of training):",
            "",
            *figure_table(evaluation, resolution),
            "",
            *_shortfall_lines(evaluation, resolution),
            "",
            "Every model figure:",
            "",
            *_detail_table(evaluation, resolution),
            "",
            *_runtime_lines(evaluation, resolution),
        ]
        bars = plot_names.get(f"bars_{resolution}")
        if bars:
            lines += [f"![per-house F1 and MCC, {resolution}]({bars})", ""]
    lines += _candidates_section(facts)
    lines += _dataset_section(facts)
    lines += _robustness_section(facts)
    lines += _definitions()
    lines += ["## What the labels miss", ""]
    lines += [f"- {item}" for item in LABEL_BLIND_SPOTS]
    lines += ["", *_unexplained_lines(evaluation)]
    lines += ["## Plots", ""]
    for key, name in plot_names.items():
        if not key.startswith("bars_"):
            lines += [f"![{key}]({name})", ""]
    return "\n".join(lines)


def write_report(
    evaluation: Evaluation, folder: Path, timeline_houses: int = 2
) -> list[Path]:
    """Write metrics.json, report.md and the plots; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    plot_names: dict[str, str] = {}

    for resolution in evaluation.resolutions():
        name = f"per_house_{resolution}.png"
        plots.per_house_bars(evaluation, resolution, folder / name)
        plot_names[f"bars_{resolution}"] = name
    plots.precision_recall_curves(evaluation, folder / "pr_curves.png")
    plot_names["precision-recall curves"] = "pr_curves.png"
    for house in _timeline_houses(evaluation, timeline_houses):
        table = house.table
        name = f"timeline_{table.dataset}_{table.house}_{table.resolution}.png"
        plots.timeline(house, folder / name)
        plot_names[f"timeline {house.table.key} {house.table.resolution}"] = name
    written += [folder / name for name in plot_names.values()]

    metrics = folder / "metrics.json"
    metrics.write_text(
        json.dumps(metrics_document(evaluation), indent=1, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    markdown = folder / "report.md"
    markdown.write_text(
        report_markdown(evaluation, plot_names) + "\n", encoding="utf-8"
    )
    return [metrics, markdown, *written]


def _timeline_houses(evaluation: Evaluation, count: int) -> list[HouseResult]:
    """Pick the houses with the most labelled episodes, one of each dataset first."""
    houses = evaluation.at("1min")
    ranked = sorted(houses, key=lambda h: (-h.model.figures.episodes, h.table.key))
    chosen: list[HouseResult] = []
    for house in ranked:
        if house.table.dataset not in {c.table.dataset for c in chosen}:
            chosen.append(house)
    for house in ranked:
        if house not in chosen:
            chosen.append(house)
    return chosen[:count]
