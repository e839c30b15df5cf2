"""Draw the evaluation's figures as PNG files a person can read at a glance.

Figures are built as plain `Figure` objects and saved through the Agg
renderer, never through pyplot, so no display or global backend is involved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from matplotlib import colormaps
from matplotlib.figure import Figure
import numpy as np
from sklearn.metrics import precision_recall_curve

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes

    from training.results import Evaluation, HouseResult

__all__ = ["per_house_bars", "precision_recall_curves", "timeline"]

MODEL_COLOUR = "#1f5fa8"
LABEL_COLOUR = "#e08a1e"
BASELINE_COLOURS = ("#8c8c8c", "#5aa35a", "#b04a8c", "#c9b22e")
DPI = 110


def _local_hours(house: HouseResult, day: np.ndarray) -> np.ndarray:
    """Return hours since local midnight of one day's windows, for the time axis."""
    table = house.table
    starts = table.starts_s[day]
    return np.asarray((starts - starts[0]) / 3600.0 + table.clock.hour[day][0])


def _day_label(house: HouseResult, day: np.ndarray) -> str:
    """Return the local calendar date of one day's first window."""
    zone = ZoneInfo(house.table.timezone)
    first = float(house.table.starts_s[day][0])
    return f"{datetime.fromtimestamp(first, tz=UTC).astimezone(zone):%Y-%m-%d}"


def _busiest_day(house: HouseResult) -> np.ndarray:
    """Return the window mask of the local day with the most labelled activity."""
    table = house.table
    days = np.unique(table.clock.day)
    counts = [
        int((table.labels & table.scored & (table.clock.day == d)).sum()) for d in days
    ]
    return np.asarray(table.clock.day == days[int(np.argmax(counts))])


def _shade(
    axes: Axes,
    hours: np.ndarray,
    flags: np.ndarray,
    *,
    colour: str,
    alpha: float,
    label: str,
) -> None:
    """Shade the full height of the spans where `flags` is true."""
    axes.fill_between(
        hours,
        0,
        1,
        where=flags,
        step="post",
        transform=axes.get_xaxis_transform(),
        color=colour,
        alpha=alpha,
        label=label,
        linewidth=0,
    )


def timeline(house: HouseResult, path: Path) -> None:
    """Plot one day of a house: power, labels, model probability and every detector."""
    day = _busiest_day(house)
    table = house.table
    times = _local_hours(house, day)
    names = ["labels", "model", *house.baselines]
    rows = [
        table.labels[day] & table.scored[day],
        house.model.predicted[day],
        *(result.predicted[day] for result in house.baselines.values()),
    ]

    figure = Figure(figsize=(12, 7.5))
    power_axes, probability_axes, raster_axes = figure.subplots(
        3, 1, sharex=True, height_ratios=(3, 1.4, 1.8)
    )
    figure.suptitle(
        f"{table.dataset} {table.house}, {_day_label(house, day)} "
        f"({table.resolution} windows, local time)"
    )
    _shade(
        power_axes,
        times,
        rows[0],
        colour=LABEL_COLOUR,
        alpha=0.25,
        label="labelled activity",
    )
    _shade(
        power_axes,
        times,
        ~table.scored[day],
        colour="#bbbbbb",
        alpha=0.4,
        label="masked",
    )
    power_axes.step(
        times,
        table.power[day],
        where="post",
        color="#333333",
        linewidth=0.8,
        label="meter power",
    )
    power_axes.set_ylabel("VA" if table.resolution == "1min" else "W")
    power_axes.legend(loc="upper left", fontsize=8)

    probability_axes.step(
        times, house.model.scores[day], where="post", color=MODEL_COLOUR, linewidth=0.9
    )
    threshold = float(np.min(house.model.scores[house.model.predicted], initial=1.0))
    probability_axes.axhline(threshold, color="#aa3333", linestyle="--", linewidth=0.8)
    probability_axes.set_ylim(0, 1)
    probability_axes.set_ylabel("model\nprobability")

    colours = [LABEL_COLOUR, MODEL_COLOUR, *BASELINE_COLOURS]
    for level, (flags, colour) in enumerate(zip(rows, colours, strict=False)):
        raster_axes.fill_between(
            times,
            level + 0.1,
            level + 0.9,
            where=flags,
            step="post",
            color=colour,
            linewidth=0,
        )
    raster_axes.set_yticks(np.arange(len(names)) + 0.5, labels=names, fontsize=8)
    raster_axes.set_ylim(0, len(names))
    raster_axes.invert_yaxis()
    raster_axes.set_xticks(np.arange(0, 25, 2))
    raster_axes.set_xlim(float(times[0]), float(times[-1]) + table.window_s / 3600)
    raster_axes.set_xlabel("local hour")

    figure.set_layout_engine("tight")
    figure.savefig(path, dpi=DPI)


def precision_recall_curves(evaluation: Evaluation, path: Path) -> None:
    """Plot the model's precision-recall curve per house, one panel a resolution."""
    resolutions = evaluation.resolutions()
    figure = Figure(figsize=(6 * len(resolutions), 5.2))
    panels = figure.subplots(1, len(resolutions), squeeze=False)
    # Twenty distinct colours: enough for every house of the public datasets.
    tab20 = colormaps["tab20"]
    palette = [tab20(index / 20.0) for index in range(20)]
    for axes, resolution in zip(panels[0], resolutions, strict=True):
        for number, house in enumerate(evaluation.at(resolution)):
            keep = house.table.scored
            truth = house.table.labels[keep]
            if not truth.any():
                continue
            precision, recall, _ = precision_recall_curve(
                truth, house.model.scores[keep]
            )
            axes.plot(
                recall,
                precision,
                linewidth=0.9,
                alpha=0.85,
                color=palette[number % len(palette)],
                label=house.table.house,
            )
        for (name, figures), colour in zip(
            evaluation.macro(resolution)["baselines"].items(),
            BASELINE_COLOURS,
            strict=False,
        ):
            axes.plot(
                figures.get("recall", np.nan),
                figures.get("precision", np.nan),
                marker="s",
                color=colour,
                linestyle="none",
                markersize=8,
                label=f"{name} (mean)",
            )
        model_macro = evaluation.macro(resolution)["model"]
        axes.plot(
            model_macro.get("recall", np.nan),
            model_macro.get("precision", np.nan),
            marker="*",
            color=MODEL_COLOUR,
            markersize=14,
            linestyle="none",
            label="model (mean)",
        )
        axes.set_title(f"Model precision-recall per house, {resolution}")
        axes.set_xlabel("recall")
        axes.set_ylabel("precision")
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1.02)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=6.5, ncol=2, loc="lower left")
    figure.set_layout_engine("tight")
    figure.savefig(path, dpi=DPI)


def per_house_bars(evaluation: Evaluation, resolution: str, path: Path) -> None:
    """Plot F1 and MCC per house for the model and every baseline."""
    houses = evaluation.at(resolution)
    names = ["model", *evaluation.baseline_names(resolution)]
    colours = [MODEL_COLOUR, *BASELINE_COLOURS]
    positions = np.arange(len(houses))
    width = 0.8 / len(names)

    figure = Figure(figsize=(max(8, 0.9 * len(houses) + 3), 7))
    panels = figure.subplots(2, 1, sharex=True)
    for axes, figure_name in zip(panels, ("f1", "mcc"), strict=True):
        for offset, (name, colour) in enumerate(zip(names, colours, strict=False)):
            values = [
                getattr(
                    (h.model if name == "model" else h.baselines[name]).figures,
                    figure_name,
                )
                for h in houses
            ]
            axes.bar(
                positions + (offset - (len(names) - 1) / 2) * width,
                np.nan_to_num(values),
                width,
                color=colour,
                label=name,
            )
        axes.set_ylabel(figure_name.upper())
        axes.axhline(0, color="black", linewidth=0.6)
        axes.grid(axis="y", alpha=0.3)
    panels[0].set_title(
        f"Per-house F1 and MCC, {resolution}, houses left out of training"
    )
    panels[0].legend(fontsize=8, ncol=len(names), loc="upper right")
    panels[1].set_xticks(
        positions,
        labels=[h.table.house for h in houses],
        rotation=35,
        ha="right",
        fontsize=8,
    )
    figure.set_layout_engine("tight")
    figure.savefig(path, dpi=DPI)
