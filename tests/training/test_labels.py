"""Specify activity labels on real REFIT and UCI days."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from training.appliances import ApplianceClass
from training.datasets.hue import read_hue
from training.datasets.recording import channel_named
from training.datasets.refit import read_refit
from training.datasets.uci import read_uci
from training.labels import (
    LabelConfig,
    activity_intervals,
    label_minutes,
    label_samples,
)
from training.labels.intervals import Intervals

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"


@pytest.fixture(name="house_2", scope="module")
def fixture_house_2():
    return read_refit(FIXTURES / "refit" / "House_2.csv")


@pytest.fixture(name="house_12", scope="module")
def fixture_house_12():
    return read_refit(FIXTURES / "refit" / "House_12.csv")


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Return [first, last] sample indexes of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True)
    )


def minute_of(labels, moment: float) -> int:
    """Return the index of the minute holding a moment."""
    return int((moment - labels.starts_s[0]) // 60)


def only(recording, *names: str):
    """Return the recording with only the named channels kept."""
    kept = tuple(c for c in recording.channels if c.name in names)
    return dataclasses.replace(recording, channels=kept)


def test_every_kettle_run_in_house_2_is_an_activity_episode(house_2) -> None:
    kettle = house_2.channel("Kettle").power_w
    boils = runs(kettle > 500)
    labels = label_minutes(house_2)

    assert len(boils) >= 5
    for first, last in boils:
        start = house_2.timestamps_s[first]
        inside = (labels.episode_starts_s <= start) & (labels.episode_ends_s > start)
        assert inside.any()
        for index in (first, last):
            assert labels.active[minute_of(labels, house_2.timestamps_s[index])]


def test_activity_holds_two_minutes_after_the_kettle_goes_off(house_2) -> None:
    recording = only(house_2, "Kettle")
    kettle = recording.channel("Kettle").power_w
    first, last = runs(kettle > 500)[0]
    off = recording.timestamps_s[last + 1]
    labels = label_minutes(recording)

    assert labels.active[minute_of(labels, off + 100)]
    assert not labels.active[minute_of(labels, off + 240)]
    assert labels.episode_ends_s[0] == pytest.approx(off + 120)
    assert labels.episode_starts_s[0] == recording.timestamps_s[first]


def test_a_fridge_never_makes_activity(house_2) -> None:
    # The Hi-Fi stays off all day: it makes the house labelled, not active.
    recording = only(house_2, "Fridge-Freezer", "Hi-Fi")
    fridge = recording.channel("Fridge-Freezer")
    labels = label_minutes(recording)

    assert np.nanmax(recording.channel("Hi-Fi").power_w) == 0
    assert fridge.appliance_class is ApplianceClass.BACKGROUND
    assert np.count_nonzero(fridge.power_w > 50) > 1000
    assert not labels.active.any()
    # The last minute holds only the final sample's few seconds.
    assert labels.scored[:-1].all()


def test_washing_machine_counts_only_for_the_first_minutes_of_its_cycle(
    house_2,
) -> None:
    recording = only(house_2, "Washing Machine")
    washer = recording.channel("Washing Machine").power_w
    on = np.flatnonzero(washer > 20)
    start = recording.timestamps_s[on[0]]
    labels = label_minutes(recording, LabelConfig(start_window_s=300))

    assert recording.timestamps_s[on[-1]] - start > 1800
    assert labels.active[minute_of(labels, start)]
    assert labels.active[minute_of(labels, start + 240)]
    assert not labels.active[minute_of(labels, start + 900)]
    assert labels.active.sum() <= 6


def test_an_ambiguous_fan_masks_its_minutes_but_activity_wins(house_2) -> None:
    fan_only = only(house_2, "Overhead Fan")
    fan = fan_only.channel("Overhead Fan").power_w
    spinning = runs(fan > 30)
    labels = label_minutes(fan_only)

    assert spinning
    first, _ = spinning[0]
    assert not labels.scored[minute_of(labels, fan_only.timestamps_s[first])]
    assert not labels.active.any()

    samples = label_samples(house_2)
    assert not (samples.active & ~samples.scored).any()


def test_two_monitors_swapped_on_a_day_are_labelled_as_what_they_measured(
    house_12,
) -> None:
    found = activity_intervals(house_12)
    flagged = {flag.channel: flag for flag in found.flags}
    labels = label_minutes(house_12, intervals=found)

    assert set(flagged) == {"Computer Site", "Kettle"}
    assert "more than a computer can" in flagged["Computer Site"].reason
    assert "not like a kettle" in flagged["Kettle"].reason
    assert flagged["Computer Site"].swapped_with == "Kettle"
    assert flagged["Kettle"].swapped_with == "Computer Site"
    # The "computer" monitor's kettle boils are activity, and scored.
    computer = house_12.channel("Computer Site").power_w
    boils = runs(computer > 2000)
    assert boils
    for first, _ in boils:
        minute = minute_of(labels, house_12.timestamps_s[first])
        assert labels.scored[minute]
        assert labels.active[minute]
    # The "kettle" monitor's hours at a computer's draw are activity too,
    # while its night standby is not.
    kettle = house_12.channel("Kettle").power_w
    use = np.flatnonzero(kettle > 60)
    assert use.size
    in_use = [minute_of(labels, t) for t in house_12.timestamps_s[use].tolist()]
    assert labels.active[in_use].mean() > 0.9


def test_a_misfit_without_a_swapped_partner_is_masked(house_12) -> None:
    # Without the kettle's monitor the "computer" drawing 2.8 kW has no
    # partner to explain it: that day it can neither make nor hide activity.
    alone = dataclasses.replace(
        house_12,
        channels=tuple(c for c in house_12.channels if c.name != "Kettle"),
    )
    found = activity_intervals(alone)
    labels = label_minutes(alone, intervals=found)

    assert [(f.channel, f.swapped_with) for f in found.flags] == [
        ("Computer Site", None)
    ]
    computer = alone.channel("Computer Site").power_w
    for first, _ in runs(computer > 2000):
        minute = minute_of(labels, alone.timestamps_s[first])
        assert not labels.scored[minute]
        assert not labels.active[minute]


def test_a_monitor_fitting_two_flagged_partners_is_masked_whatever_the_order(
    house_12,
) -> None:
    # A second monitor also draws the kettle's boils: the "kettle" monitor's
    # power fits both a computer and a television, and both of them fit a
    # kettle, so nothing tells which two were swapped.
    television = channel_named(
        "Television Site", house_12.channel("Computer Site").power_w.copy()
    )
    three = dataclasses.replace(house_12, channels=(*house_12.channels, television))
    backwards = dataclasses.replace(three, channels=three.channels[::-1])

    found = activity_intervals(three)
    labels = label_minutes(three, intervals=found)
    reversed_labels = label_minutes(backwards)

    assert {(f.channel, f.swapped_with) for f in found.flags} == {
        ("Computer Site", None),
        ("Kettle", None),
        ("Television Site", None),
    }
    assert np.array_equal(labels.active, reversed_labels.active)
    assert np.array_equal(labels.scored, reversed_labels.scored)
    computer = three.channel("Computer Site").power_w
    for first, _ in runs(computer > 2000):
        assert not labels.scored[minute_of(labels, three.timestamps_s[first])]


def test_a_fridge_and_kettle_monitor_swapped_give_the_true_labels(house_2) -> None:
    kettle = house_2.channel("Kettle").power_w
    fridge = house_2.channel("Fridge-Freezer").power_w
    swapped = dataclasses.replace(
        house_2,
        channels=tuple(
            dataclasses.replace(
                c,
                power_w={"Kettle": fridge, "Fridge-Freezer": kettle}.get(
                    c.name, c.power_w
                ),
            )
            for c in house_2.channels
        ),
    )

    found = activity_intervals(swapped)
    labels = label_minutes(swapped, intervals=found)
    truth = label_minutes(house_2)

    assert {(f.channel, f.swapped_with) for f in found.flags} == {
        ("Kettle", "Fridge-Freezer"),
        ("Fridge-Freezer", "Kettle"),
    }
    assert truth.active.any()
    assert np.array_equal(labels.active, truth.active)
    assert np.array_equal(labels.scored, truth.scored)


def test_a_swap_on_one_day_leaves_the_other_days_labels_alone(house_12) -> None:
    # The next day the two monitors are back on their own appliances.
    kettle = house_12.channel("Kettle").power_w
    computer = house_12.channel("Computer Site").power_w
    mended = {"Kettle": computer, "Computer Site": kettle}
    next_day = dataclasses.replace(
        house_12,
        timestamps_s=house_12.timestamps_s + 86_400.0,
        channels=tuple(
            dataclasses.replace(c, power_w=mended.get(c.name, c.power_w))
            for c in house_12.channels
        ),
    )
    assert house_12.aggregate_w is not None
    assert next_day.aggregate_w is not None
    two_days = dataclasses.replace(
        house_12,
        timestamps_s=np.concatenate([house_12.timestamps_s, next_day.timestamps_s]),
        aggregate_w=np.concatenate([house_12.aggregate_w, next_day.aggregate_w]),
        channels=tuple(
            dataclasses.replace(c, power_w=np.concatenate([c.power_w, d.power_w]))
            for c, d in zip(house_12.channels, next_day.channels, strict=True)
        ),
    )

    found = activity_intervals(two_days)
    labels = label_minutes(two_days, intervals=found)
    alone = label_minutes(next_day)

    assert {f.day_start_s for f in found.flags} == {house_12.timestamps_s[0]}
    assert {f.swapped_with for f in found.flags} == {"Kettle", "Computer Site"}
    same = np.searchsorted(labels.starts_s, alone.starts_s)
    assert np.array_equal(labels.starts_s[same], alone.starts_s)
    assert alone.active.any()
    assert np.array_equal(labels.active[same], alone.active)
    assert np.array_equal(labels.scored[same], alone.scored)


def test_missing_values_on_a_swapped_day_are_masked(house_12) -> None:
    kettle = house_12.channel("Kettle").power_w.copy()
    # An hour of the morning lost by the "kettle" monitor (the computer's).
    lost = (house_12.timestamps_s >= 1_420_707_600.0) & (
        house_12.timestamps_s < 1_420_711_200.0
    )
    kettle[lost] = np.nan
    gappy = dataclasses.replace(
        house_12,
        channels=tuple(
            dataclasses.replace(c, power_w=kettle) if c.name == "Kettle" else c
            for c in house_12.channels
        ),
    )

    found = activity_intervals(gappy)
    labels = label_minutes(gappy, intervals=found)

    assert {f.swapped_with for f in found.flags} == {"Kettle", "Computer Site"}
    inside = (labels.starts_s >= 1_420_707_660.0) & (labels.starts_s < 1_420_711_080.0)
    assert inside.sum() >= 50
    # Only other appliances' activity may be scored while the monitor is silent.
    assert not (labels.scored[inside] & ~labels.active[inside]).any()


def test_minutes_without_aggregate_are_not_scored() -> None:
    recording = read_uci(
        FIXTURES / "uci_household_power" / "household_power_consumption.txt"
    )
    labels = label_minutes(recording)
    assert recording.aggregate_w is not None
    gaps = np.flatnonzero(np.isnan(recording.aggregate_w))

    assert gaps.size == 2
    for index in gaps:
        assert not labels.scored[minute_of(labels, recording.timestamps_s[index])]
    assert labels.scored.sum() == labels.starts_s.size - 2


def test_uci_kitchen_runs_are_activity_and_the_water_heater_never_is() -> None:
    recording = read_uci(
        FIXTURES
        / "uci_household_power"
        / "2006-12-27_2007-01-13"
        / "household_power_consumption.txt"
    )
    kitchen, _, heater = recording.channels
    labels = label_minutes(recording)

    assert heater.appliance_class is ApplianceClass.BACKGROUND
    assert np.nanmax(heater.power_w) > 1000
    cooking = np.flatnonzero(kitchen.power_w > 300)
    assert cooking.size
    assert labels.active[cooking].all()
    heating_alone = (heater.power_w > 1000) & (kitchen.power_w == 0)
    assert heating_alone.sum() > 60
    assert not labels.active[heating_alone].all()
    assert labels.active[heating_alone].mean() < 0.5


def test_sample_labels_agree_with_minute_labels(house_2) -> None:
    found = activity_intervals(house_2)
    samples = label_samples(house_2, intervals=found)
    minutes = label_minutes(house_2, intervals=found)
    rows = ((house_2.timestamps_s - minutes.starts_s[0]) // 60).astype(int)

    assert np.all(minutes.active[rows[samples.active]])
    assert samples.active.sum() > 0


def test_intervals_merge_overlaps_and_measure_coverage() -> None:
    merged = Intervals.merged(np.array([5.0, 0.0, 20.0]), np.array([12.0, 6.0, 25.0]))

    assert merged.starts.tolist() == [0.0, 20.0]
    assert merged.ends.tolist() == [12.0, 25.0]
    assert merged.covered_before(np.array([0.0, 10.0, 22.0, 100.0])).tolist() == [
        0.0,
        10.0,
        14.0,
        17.0,
    ]
    assert merged.overlaps(np.array([12.0, 11.0]), np.array([20.0, 13.0])).tolist() == [
        False,
        True,
    ]


def test_a_house_without_activity_appliances_has_no_scored_minute(house_2) -> None:
    recording = only(house_2, "Fridge-Freezer", "Overhead Fan")
    labels = label_minutes(recording)
    samples = label_samples(recording)

    assert not labels.scored.any()
    assert not samples.scored.any()
    hue = read_hue(FIXTURES / "hue" / "Residential_1.csv")
    assert not label_minutes(hue).scored.any()
