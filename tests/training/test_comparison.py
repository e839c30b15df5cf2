"""Specify the paired hour-block bootstrap on a real REFIT day, at both resolutions."""

from __future__ import annotations

from dataclasses import replace
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from training.baselines import baselines_for
from training.comparison import compare_detectors, hour_blocks
from training.datasets.refit import read_refit
from training.metrics import confusion
from training.pipeline import prepare_house

if TYPE_CHECKING:
    from training.comparison import Comparison
    from training.windows import WindowTable

FIXTURES = Path(__file__).parent.parent / "fixtures" / "datasets"
HOUSE_2 = FIXTURES / "refit" / "House_2.csv"
RESOLUTIONS = ("1min", "30min")


@pytest.fixture(scope="module")
def tables() -> dict[str, WindowTable]:
    """Return REFIT House 2's day 2015-01-08 as the meter's 1- and 30-minute views."""
    return prepare_house([read_refit(HOUSE_2)], seed=0).tests


def _predictions(table: WindowTable) -> dict[str, np.ndarray]:
    """Return every baseline's predictions on a table."""
    return {
        name: baseline(table).predicted
        for name, baseline in baselines_for(table.resolution).items()
    }


def _numbers(comparison: Comparison) -> list[float]:
    """Return every number of a comparison, in a fixed order."""
    return [
        value
        for figure in (comparison.f1, comparison.mcc)
        for value in (figure.difference, figure.low, figure.high)
    ]


@pytest.mark.parametrize(("resolution", "per_block"), [("1min", 60), ("30min", 2)])
def test_blocks_are_clock_hours_of_scored_windows(
    tables: dict[str, WindowTable], resolution: str, per_block: int
) -> None:
    table = tables[resolution]

    blocks = hour_blocks(table)

    assert blocks.size == int(table.scored.sum())
    sizes = np.bincount(blocks)
    assert sizes.size == 24
    # The day's last scored hour may be cut short by the recording's end.
    assert (sizes[:-1] == per_block).all()
    starts = table.starts_s[table.scored]
    for block in range(sizes.size):
        hours = np.floor(starts[blocks == block] / 3600)
        assert np.unique(hours).size == 1


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_identical_predictions_differ_by_zero_and_are_level(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    table = tables[resolution]
    predicted = _predictions(table)["night_max"]

    comparison = compare_detectors(table, predicted, predicted.copy())

    for figure in (comparison.f1, comparison.mcc):
        assert (figure.difference, figure.low, figure.high) == (0.0, 0.0, 0.0)
        assert figure.verdict == "level"


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_the_labels_themselves_are_ahead_of_a_detector_that_never_fires(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    table = tables[resolution]
    silent = np.zeros(table.starts_s.size, dtype=bool)

    ahead = compare_detectors(table, table.labels, silent)
    behind = compare_detectors(table, silent, table.labels)

    assert ahead.f1.verdict == ahead.mcc.verdict == "ahead"
    assert ahead.f1.low > 0
    assert ahead.mcc.low > 0
    assert behind.f1.verdict == behind.mcc.verdict == "behind"
    assert behind.f1.high < 0
    assert behind.mcc.high < 0
    assert ahead.f1.difference == ahead.mcc.difference == 1.0


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_the_same_inputs_give_the_same_numbers_and_the_seed_moves_only_bounds(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    table = tables[resolution]
    predicted = _predictions(table)

    first = compare_detectors(
        table, predicted["baseload_threshold"], predicted["daytime"]
    )
    again = compare_detectors(
        table, predicted["baseload_threshold"], predicted["daytime"]
    )
    reseeded = compare_detectors(
        table, predicted["baseload_threshold"], predicted["daytime"], seed=1
    )

    assert first == again
    assert first.f1.difference == reseeded.f1.difference
    assert first.mcc.difference == reseeded.mcc.difference
    assert (first.f1.low, first.f1.high) != (reseeded.f1.low, reseeded.f1.high)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_the_observed_difference_is_the_scored_figures_and_lies_in_its_interval(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    table = tables[resolution]
    predicted = _predictions(table)
    names = sorted(predicted)
    keep = table.scored

    for ours in names:
        for theirs in names:
            if ours == theirs:
                continue
            comparison = compare_detectors(table, predicted[ours], predicted[theirs])

            mine = confusion(table.labels[keep], predicted[ours][keep])
            other = confusion(table.labels[keep], predicted[theirs][keep])
            assert comparison.f1.difference == pytest.approx(mine.f1 - other.f1)
            assert comparison.mcc.difference == pytest.approx(mine.mcc - other.mcc)
            for figure in (comparison.f1, comparison.mcc):
                assert figure.verdict != "undefined"
                assert figure.low <= figure.difference <= figure.high


def test_predictions_on_unscored_windows_change_nothing(
    tables: dict[str, WindowTable],
) -> None:
    table = tables["1min"]
    predicted = _predictions(table)
    afternoon = (table.clock.hour >= 12) & (table.clock.hour < 15)
    masked = replace(table, scored=table.scored & ~afternoon)
    flipped = np.where(afternoon, ~predicted["daytime"], predicted["daytime"])

    plain = compare_detectors(masked, predicted["night_max"], predicted["daytime"])
    changed = compare_detectors(masked, predicted["night_max"], flipped)

    assert plain == changed


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_a_night_without_labelled_activity_leaves_f1_and_mcc_undefined(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    table = tables[resolution]
    night = replace(table, scored=table.scored & (table.clock.hour < 6))
    assert not (night.labels & night.scored).any()
    predicted = _predictions(table)

    comparison = compare_detectors(night, predicted["daytime"], predicted["night_max"])

    # Without labelled activity no detector can be told better than another.
    for figure in (comparison.f1, comparison.mcc):
        assert figure.verdict == "undefined"
        assert math.isnan(figure.difference)
        assert math.isnan(figure.low)
        assert math.isnan(figure.high)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_a_morning_with_two_active_hours_puts_the_labels_ahead_on_f1_and_mcc(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    # Activity only at 07:00-09:00: most resamples of the twelve hours draw
    # one of them, some draw none and cannot tell the detectors apart.
    table = tables[resolution]
    morning = replace(table, scored=table.scored & (table.clock.hour < 12))
    hours = np.unique(np.floor(morning.clock.hour[morning.labels & morning.scored]))
    assert hours.tolist() == [7.0, 8.0]
    silent = np.zeros(table.starts_s.size, dtype=bool)

    ahead = compare_detectors(morning, morning.labels, silent)
    behind = compare_detectors(morning, silent, morning.labels)

    assert ahead.f1.verdict == ahead.mcc.verdict == "ahead"
    assert behind.f1.verdict == behind.mcc.verdict == "behind"
    assert ahead.mcc.low == ahead.mcc.difference == 1.0


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_a_single_hour_gets_no_interval_and_no_verdict(
    tables: dict[str, WindowTable], resolution: str
) -> None:
    table = tables[resolution]
    hour = np.floor(table.clock.hour) == 17
    short = replace(table, scored=table.scored & hour)
    assert (short.labels & short.scored).any()
    silent = np.zeros(table.starts_s.size, dtype=bool)

    comparison = compare_detectors(short, short.labels, silent)

    for figure in (comparison.f1, comparison.mcc):
        assert figure.verdict == "undefined"
        assert math.isnan(figure.low)
        assert math.isnan(figure.high)
    # The observed gap is still given, only no interval backs it.
    assert comparison.f1.difference == 1.0


def test_predictions_of_another_length_are_refused_naming_the_house(
    tables: dict[str, WindowTable],
) -> None:
    table = tables["1min"]
    silent = np.zeros(table.starts_s.size, dtype=bool)

    with pytest.raises(ValueError, match="refit/House_2: theirs has shape"):
        compare_detectors(table, silent, silent[:-5])
