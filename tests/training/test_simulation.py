"""Specify the meter simulation, the load curve and the background augmentation."""

from __future__ import annotations

import dataclasses
from datetime import datetime
import itertools
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.frame import TicMode
from custom_components.linky_activity.tic.reading import reading_from_frame
from training.appliances import ApplianceClass
from training.datasets.refit import read_refit
from training.datasets.uci import read_uci
from training.labels import label_minutes
from training.simulation import (
    BackgroundConfig,
    MeterConfig,
    OffPeakSchedule,
    augment,
    load_curve,
    meter_frames,
    simulate_meter,
)
from training.simulation.power_factor import PowerFactorModel

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"
UCI_LF = (
    FIXTURES
    / "uci_household_power"
    / "2006-12-27_2007-01-13"
    / "household_power_consumption.txt"
)


@pytest.fixture(name="house_2", scope="module")
def fixture_house_2():
    return read_refit(FIXTURES / "refit" / "House_2.csv")


def joined(chunks):
    """Join meter chunks field by field."""
    fields = {
        field.name: np.concatenate([getattr(c, field.name) for c in chunks])
        for field in dataclasses.fields(chunks[0])
    }
    fields["index_total_wh"] = np.concatenate([c.index_total_wh for c in chunks])
    return fields


def readings(recording, mode: TicMode, seed: int = 1, **options):
    """Return a whole recording's meter readings, joined."""
    config = MeterConfig(mode=mode, chunk_s=3600.0, **options)
    return joined(list(simulate_meter(recording, seed=seed, config=config)))


def test_apparent_power_is_never_below_active_power() -> None:
    rng = np.random.default_rng(4)
    watts = np.concatenate([np.linspace(0, 9000, 5000), [np.nan]])
    for _ in range(20):
        model = PowerFactorModel.draw(rng)
        apparent = model.apparent(watts, rng)
        assert np.all(apparent[:-1] >= watts[:-1])
        assert np.isnan(apparent[-1])
        factor = watts[1:-1] / apparent[1:-1]
        assert factor.min() >= 0.3
        assert factor[-1] > 0.9


@pytest.mark.parametrize(
    ("mode", "low", "high", "step"),
    [(TicMode.HISTORICAL, 1.5, 2.5, 10), (TicMode.STANDARD, 0.9, 1.1, 1)],
)
def test_meter_keeps_its_pace_and_rounds_to_its_step(
    house_2, mode: TicMode, low: float, high: float, step: int
) -> None:
    meter = readings(house_2, mode)
    pace = np.diff(meter["timestamps_s"])

    assert pace.min() >= low
    assert pace.max() <= high
    apparent = meter["apparent_power_va"]
    assert np.all(apparent % step == 0)
    # Rounding may take the shown VA up to half a step under the watts.
    assert np.all(apparent >= meter["active_power_w"] - step / 2)
    span = house_2.timestamps_s[-1] - house_2.timestamps_s[0]
    assert meter["timestamps_s"].size == pytest.approx(
        span / ((low + high) / 2), rel=0.02
    )


def test_meter_holds_dataset_samples_and_never_interpolates(house_2) -> None:
    meter = readings(house_2, TicMode.STANDARD)
    index = np.searchsorted(house_2.timestamps_s, meter["timestamps_s"], "right") - 1

    assert house_2.aggregate_w is not None
    assert np.array_equal(meter["active_power_w"], house_2.aggregate_w[index])


def test_energy_index_is_monotonic_and_matches_the_dataset_energy(house_2) -> None:
    meter = readings(house_2, TicMode.HISTORICAL)
    total = meter["index_total_wh"]
    times = house_2.timestamps_s
    assert house_2.aggregate_w is not None
    steps = np.minimum(np.diff(times), house_2.max_hold_s)
    held = np.searchsorted(times, meter["timestamps_s"][-1], "right") - 1
    joules = np.sum(house_2.aggregate_w[:held] * steps[:held]) + house_2.aggregate_w[
        held
    ] * (meter["timestamps_s"][-1] - times[held])

    assert np.all(np.diff(total) >= 0)
    assert total[-1] - total[0] == pytest.approx(joules / 3600, abs=2)


def test_off_peak_energy_goes_to_the_off_peak_index_only(house_2) -> None:
    meter = readings(house_2, TicMode.HISTORICAL)
    off_peak = meter["off_peak"]
    was_off_peak = off_peak[:-1]
    off_steps = np.diff(meter["index_off_peak_wh"])
    peak_steps = np.diff(meter["index_peak_wh"])

    assert off_peak.any()
    assert not off_peak.all()
    assert not np.any(peak_steps[was_off_peak] > 0)
    # An index ticks over on whole watt-hours: one reading may carry the tick
    # from the step before the period changed.
    changes = np.flatnonzero(off_peak[1:] != off_peak[:-1])
    assert np.count_nonzero(off_steps[~was_off_peak]) <= 2 * changes.size


def test_off_peak_follows_the_local_schedule_across_daylight_saving() -> None:
    schedule = OffPeakSchedule.parse("22:00-06:00")
    paris = ZoneInfo("Europe/Paris")
    winter = datetime(2024, 1, 15, 22, 30, tzinfo=paris).timestamp()
    summer = datetime(2024, 7, 15, 22, 30, tzinfo=paris).timestamp()
    before = datetime(2024, 7, 15, 21, 59, tzinfo=paris).timestamp()
    after = datetime(2024, 7, 16, 6, 0, tzinfo=paris).timestamp()

    flags = schedule.off_peak(np.array([winter, summer, before, after]), "Europe/Paris")
    assert flags.tolist() == [True, True, False, False]


@pytest.mark.parametrize("text", ["22h-6h", "25:00-06:00", "10:00-10:00", ""])
def test_bad_off_peak_schedules_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="window"):
        OffPeakSchedule.parse(text)


def test_a_base_contract_counts_everything_on_one_index(house_2) -> None:
    meter = readings(house_2, TicMode.HISTORICAL, off_peak=None)

    assert not meter["off_peak"].any()
    assert np.all(meter["index_off_peak_wh"] == meter["index_off_peak_wh"][0])


def test_the_same_seed_gives_the_same_readings(house_2) -> None:
    first = readings(house_2, TicMode.HISTORICAL, seed=7)
    again = readings(house_2, TicMode.HISTORICAL, seed=7)
    other = readings(house_2, TicMode.HISTORICAL, seed=8)

    for name, values in first.items():
        assert np.array_equal(values, again[name])
    assert not np.array_equal(first["timestamps_s"], other["timestamps_s"][:10])


def test_dataset_gaps_make_the_meter_silent_and_its_index_flat(house_2) -> None:
    keep = np.zeros(house_2.timestamps_s.size, dtype=bool)
    keep[2500:3600] = True
    keep[3000:3100] = False
    gapped = dataclasses.replace(
        house_2,
        timestamps_s=house_2.timestamps_s[keep],
        aggregate_w=house_2.aggregate_w[keep],
        channels=(),
    )
    gap_start = house_2.timestamps_s[2999] + gapped.max_hold_s
    gap_end = house_2.timestamps_s[3100]
    meter = readings(gapped, TicMode.STANDARD)
    inside = (meter["timestamps_s"] >= gap_start) & (meter["timestamps_s"] < gap_end)

    assert inside.sum() > 300
    assert np.isnan(meter["apparent_power_va"][inside]).all()
    assert np.ptp(meter["index_total_wh"][inside]) == 0
    frames = list(
        meter_frames(
            simulate_meter(gapped, seed=1, config=MeterConfig(mode=TicMode.STANDARD)),
            TicMode.STANDARD,
            timezone=gapped.timezone,
        )
    )
    sent = np.array([frame.timestamp_s for frame in frames])
    assert not np.any((sent >= gap_start) & (sent < gap_end))


@pytest.mark.parametrize("mode", list(TicMode))
def test_frames_decode_to_the_simulated_readings(house_2, mode: TicMode) -> None:
    chunks = list(simulate_meter(house_2, seed=2, config=MeterConfig(mode=mode)))
    frames = list(
        itertools.islice(meter_frames(chunks, mode, timezone=house_2.timezone), 300)
    )
    decoder = FrameDecoder(mode)
    decoded = decoder.feed(b"".join(frame.data for frame in frames))
    meter = joined(chunks)

    assert len(decoded) == 300
    assert decoder.rejected_groups == 0
    shown = [reading_from_frame(frame).apparent_power_va for frame in decoded]
    assert shown == meter["apparent_power_va"][:300].tolist()


def test_load_curve_gives_each_half_hour_its_mean_power() -> None:
    recording = read_uci(UCI_LF)
    curve = load_curve(recording)
    assert recording.aggregate_w is not None
    slot_of = ((recording.timestamps_s - curve.starts_s[0]) // 1800).astype(int)

    assert np.all(curve.starts_s % 1800 == 0)
    for slot in range(curve.starts_s.size):
        values = recording.aggregate_w[slot_of == slot]
        measured = values[np.isfinite(values)]
        if measured.size >= 27:
            assert curve.mean_w[slot] == pytest.approx(measured.mean())
        else:
            assert np.isnan(curve.mean_w[slot])
    assert np.isnan(curve.mean_w).sum() <= 2


def test_background_leaves_labels_unchanged_and_adds_exactly_its_channels(
    house_2,
) -> None:
    augmented = augment(house_2, seed=5, config=BackgroundConfig(heat_pump=True))
    added = augmented.channels[len(house_2.channels) :]
    before, after = label_minutes(house_2), label_minutes(augmented)

    assert [c.name for c in added] == [
        "simulated water heater",
        "simulated convectors",
        "simulated heat pump",
    ]
    assert all(c.appliance_class is ApplianceClass.BACKGROUND for c in added)
    assert np.array_equal(before.active, after.active)
    assert np.array_equal(before.scored, after.scored)
    assert augmented.aggregate_w is not None
    assert house_2.aggregate_w is not None
    assert np.allclose(
        augmented.aggregate_w - house_2.aggregate_w, sum(c.power_w for c in added)
    )


def test_water_heater_starts_with_off_peak_and_runs_one_to_four_hours(
    house_2,
) -> None:
    augmented = augment(
        house_2,
        seed=11,
        config=BackgroundConfig(
            convectors=False, off_peak=OffPeakSchedule.parse("01:00-07:00")
        ),
    )
    heater = augmented.channel("simulated water heater").power_w
    on = np.flatnonzero(heater > 0)
    full = heater[on[1:-1]]
    times = house_2.timestamps_s
    starts = datetime(2015, 1, 8, 1, 0, tzinfo=ZoneInfo("Europe/London")).timestamp()
    run_s = times[on[-1]] - times[on[0]]

    # The sample whose span holds 01:00 carries part of the first minute.
    assert times[on[0]] < starts <= times[on[1]]
    assert 3600 <= run_s <= 4 * 3600
    assert np.allclose(full, full[0])
    assert 1500 <= full[0] <= 3000


def test_convectors_cycle_on_their_thermostat_in_winter(house_2) -> None:
    augmented = augment(house_2, seed=3, config=BackgroundConfig(water_heater=False))
    convectors = augmented.channel("simulated convectors").power_w
    # Each convector switching on or off steps the total by 1-2 kW.
    switches = np.count_nonzero(np.abs(np.diff(convectors)) > 500)

    # Cycles of 8-20 minutes: about a hundred a day for each convector.
    assert switches > 100
    assert np.max(convectors) <= 3 * 2000
    assert np.mean(convectors) < 0.9 * np.max(convectors)


def test_augmentation_is_seeded(house_2) -> None:
    first = augment(house_2, seed=9)
    again = augment(house_2, seed=9)
    other = augment(house_2, seed=10)

    assert np.array_equal(first.aggregate_w, again.aggregate_w)
    assert not np.array_equal(first.aggregate_w, other.aggregate_w)
