"""Specify the per-minute features, streamed live and computed in batch."""

from __future__ import annotations

from datetime import UTC, date, datetime
import json
import math

from hypothesis import given, settings, strategies as st
import numpy as np
import pytest

from custom_components.linky_activity.activity.errors import StateError
from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    OFFPEAK_ELAPSED_CAP_MIN,
    FeatureStream,
    MinuteFeatures,
    features_for_series,
)

from .conftest import PARIS, Series, offpeak_schedule

COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _stream_all(
    stream: FeatureStream,
    samples: list[tuple[float, float, bool | None, int | None]],
) -> list[MinuteFeatures]:
    minutes = [
        finished for sample in samples if (finished := stream.push(*sample)) is not None
    ]
    last = stream.flush()
    if last is not None:
        minutes.append(last)
    return minutes


def _energy_index(series: Series) -> np.ndarray:
    """Integrate the real power into a whole-Wh index, as the meter counts it."""
    steps = np.diff(series.timestamps_s, prepend=series.timestamps_s[0])
    return np.floor(np.cumsum(series.apparent_va * 0.95 * steps) / 3600.0) + 12_345


def _at(stamp: str) -> float:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp()


def test_feature_names_are_unique_and_match_the_vector(refit_house: Series) -> None:
    _, matrix = features_for_series(
        refit_house.timestamps_s[:200], refit_house.apparent_va[:200], None, "UTC"
    )

    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert matrix.shape[1] == len(FEATURE_NAMES)


def test_streaming_one_sample_at_a_time_equals_the_batch_on_a_real_house(
    refit_house: Series,
) -> None:
    times = refit_house.timestamps_s
    power = refit_house.apparent_va
    offpeak = offpeak_schedule(times, 7, 9)
    energy = _energy_index(refit_house)

    starts, matrix = features_for_series(
        times, power, offpeak, "Europe/Paris", energy_wh=energy
    )
    stream = FeatureStream("Europe/Paris")
    samples = [
        (t, va, bool(flag), int(wh))
        for t, va, flag, wh in zip(
            times.tolist(), power.tolist(), offpeak, energy, strict=True
        )
    ]
    minutes = _stream_all(stream, samples)

    assert len(minutes) == 240
    assert np.array_equal(starts, [m.minute_start_s for m in minutes])
    assert np.array_equal(matrix, np.vstack([m.values for m in minutes]))
    assert matrix[:, COLUMN["index_available"]].sum() > 200


def test_the_batch_treats_nan_power_as_a_missing_sample(refit_house: Series) -> None:
    power = refit_house.apparent_va.copy()
    power[100:110] = np.nan

    starts, matrix = features_for_series(refit_house.timestamps_s, power, None, "UTC")
    kept = ~np.isnan(power)
    starts_kept, matrix_kept = features_for_series(
        refit_house.timestamps_s[kept], power[kept], None, "UTC"
    )

    assert np.array_equal(starts, starts_kept)
    assert np.array_equal(matrix, matrix_kept)


def test_a_real_kettle_switch_counts_one_large_step_each_way(
    refit_house: Series,
) -> None:
    starts, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "UTC"
    )
    on_minute = matrix[starts == _at("2015-01-08T07:13:00")][0]
    off_minute = matrix[starts == _at("2015-01-08T07:15:00")][0]
    kettle_va = 2820 / 0.95

    assert on_minute[COLUMN["steps_up_500"]] == 1
    assert on_minute[COLUMN["step_up_max_va"]] == pytest.approx(kettle_va, rel=0.15)
    assert off_minute[COLUMN["steps_down_500"]] == 1
    assert off_minute[COLUMN["step_down_max_va"]] == pytest.approx(kettle_va, rel=0.15)


def test_a_switch_spread_over_two_frames_counts_once_at_full_size() -> None:
    stream = FeatureStream()
    samples = [(float(t), 300.0, None, None) for t in range(10)]
    samples += [(10.0, 1300.0, None, None), (11.0, 2300.0, None, None)]
    samples += [(float(t), 2300.0, None, None) for t in range(12, 60)]

    (minute,) = _stream_all(stream, samples)

    assert minute.values[COLUMN["steps_up_500"]] == 1
    assert minute.values[COLUMN["steps_up_30"]] == 1
    assert minute.values[COLUMN["step_up_max_va"]] == 2000


def test_historical_10_va_flicker_is_not_a_step() -> None:
    stream = FeatureStream()
    samples = [
        (t * 1.7, 450.0 + 10.0 * (i % 2), None, None) for i, t in enumerate(range(35))
    ]

    (minute,) = _stream_all(stream, samples)

    assert minute.values[COLUMN["steps_up_30"]] == 0
    assert minute.values[COLUMN["steps_down_30"]] == 0
    assert minute.values[COLUMN["diff_rms_va"]] == 10


def test_a_gap_is_neither_invented_nor_bridged_by_a_step() -> None:
    stream = FeatureStream()
    samples = [(float(t), 300.0, None, None) for t in range(0, 60, 2)]
    samples += [(float(t), 2300.0, None, None) for t in range(200, 240, 2)]

    minutes = _stream_all(stream, samples)

    assert [m.minute_start_s for m in minutes] == [0.0, 180.0]
    after = minutes[1].values
    assert after[COLUMN["steps_up_30"]] == 0
    assert after[COLUMN["mean_change_va"]] == 0
    assert after[COLUMN["ctx15_coverage"]] == pytest.approx(2 / 15)


def test_a_clock_set_back_restarts_the_recent_context_but_keeps_the_baseload(
    refit_house: Series,
) -> None:
    stream = FeatureStream()
    samples = [
        (t, va, None, None)
        for t, va in zip(
            refit_house.timestamps_s[:900].tolist(),
            refit_house.apparent_va[:900].tolist(),
            strict=True,
        )
    ]
    before = _stream_all(stream, samples)[-1]
    back = samples[-1][0] - 3600.0
    replay = [(back + i * 8.0, 500.0, None, None) for i in range(20)]

    after = _stream_all(stream, replay)

    assert after[0].minute_start_s < before.minute_start_s
    assert after[0].values[COLUMN["ctx15_coverage"]] == pytest.approx(1 / 15)
    assert after[0].values[COLUMN["mean_change_va"]] == 0
    assert after[0].values[COLUMN["baseload_va"]] == pytest.approx(
        before.values[COLUMN["baseload_va"]], abs=1.0
    )


def test_small_backward_jitter_drops_the_sample_only() -> None:
    stream = FeatureStream()
    samples = [(float(t), 400.0, None, None) for t in range(0, 60, 2)]
    samples.insert(10, (17.0, 9000.0, None, None))

    (minute,) = _stream_all(stream, samples)

    assert minute.values[COLUMN["va_max"]] == 400
    assert minute.samples == 30


def test_offpeak_elapsed_counts_minutes_from_the_switch_to_offpeak() -> None:
    stream = FeatureStream()
    samples: list[tuple[float, float, bool | None, int | None]] = []
    for t in range(0, 8 * 60, 2):
        flag: bool | None = t >= 120
        if 6 * 60 <= t < 7 * 60:
            flag = None
        if t >= 7 * 60:
            flag = False
        samples.append((float(t), 500.0, flag, None))

    minutes = _stream_all(stream, samples)
    offpeak = [m.values[COLUMN["offpeak"]] for m in minutes]
    elapsed = [m.values[COLUMN["offpeak_elapsed_min"]] for m in minutes]
    known = [m.values[COLUMN["offpeak_known"]] for m in minutes]

    assert offpeak == [0, 0, 1, 1, 1, 1, 0, 0]
    assert (
        elapsed
        == [OFFPEAK_ELAPSED_CAP_MIN] * 2 + [0, 1, 2, 3] + [OFFPEAK_ELAPSED_CAP_MIN] * 2
    )
    assert known == [1, 1, 1, 1, 1, 1, 0, 1]


def test_offpeak_seen_already_running_has_no_known_start() -> None:
    stream = FeatureStream()
    samples = [(float(t), 500.0, True, None) for t in range(0, 180, 2)]

    minutes = _stream_all(stream, samples)

    assert {m.values[COLUMN["offpeak_elapsed_min"]] for m in minutes} == {
        OFFPEAK_ELAPSED_CAP_MIN
    }


def test_index_power_follows_the_energy_index_and_falls_back_when_it_jumps() -> None:
    stream = FeatureStream()
    samples: list[tuple[float, float, bool | None, int | None]] = []
    for t in range(0, 12 * 60):
        energy = 1_000_000 + int(t * 600 / 3600)
        if t >= 10 * 60:
            # A replaced meter starts again from a small index.
            energy = 50 + int(t * 600 / 3600)
        samples.append((float(t), 640.0, None, energy))

    minutes = _stream_all(stream, samples)
    power = [m.values[COLUMN["index_power_w"]] for m in minutes]
    available = [m.values[COLUMN["index_available"]] for m in minutes]

    assert available[0] == 0
    assert power[0] == 640
    assert all(available[1:10])
    assert power[5] == pytest.approx(600, abs=15)
    assert available[10] == 0
    assert power[10] == pytest.approx(minutes[10].values[COLUMN["ctx5_mean_va"]])


def test_time_of_day_is_read_in_the_configured_zone() -> None:
    start = _at("2015-01-08T06:00:00")
    samples = [(start + t, 300.0, None, None) for t in range(0, 60, 2)]

    (utc,) = _stream_all(FeatureStream("UTC"), samples)
    (paris,) = _stream_all(FeatureStream("Europe/Paris"), samples)

    def angle(minute: MinuteFeatures) -> float:
        sin = minute.values[COLUMN["tod_sin"]]
        cos = minute.values[COLUMN["tod_cos"]]
        return math.atan2(sin, cos) % (2 * math.pi) * 1440 / (2 * math.pi)

    assert angle(utc) == pytest.approx(6 * 60)
    assert angle(paris) == pytest.approx(7 * 60)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        FeatureStream("Mars/Olympus")


def test_stored_state_restores_the_same_baseload(refit_house: Series) -> None:
    times = refit_house.timestamps_s.tolist()
    power = refit_house.apparent_va.tolist()
    stream = FeatureStream()
    for t, va in zip(times[:1500], power[:1500], strict=True):
        stream.push(t, va, False)

    restored = FeatureStream.from_dict(json.loads(json.dumps(stream.to_dict())))
    original_next = [
        m
        for t, va in zip(times[1500:], power[1500:], strict=True)
        if (m := stream.push(t, va, False)) is not None
    ]
    restored_next = [
        m
        for t, va in zip(times[1500:], power[1500:], strict=True)
        if (m := restored.push(t, va, False)) is not None
    ]

    column = COLUMN["baseload_va"]
    assert [m.values[column] for m in original_next] == pytest.approx(
        [m.values[column] for m in restored_next], abs=0.1
    )


def test_night_features_compare_the_last_ten_minutes_with_last_nights_maxima(
    uci_house: Series,
) -> None:
    starts, matrix = features_for_series(
        uci_house.timestamps_s, uci_house.apparent_va, None, "Europe/Paris"
    )
    local = [datetime.fromtimestamp(t, PARIS) for t in starts.tolist()]
    means = matrix[:, COLUMN["va_mean"]]
    by_minute = dict(
        zip((starts // 60).astype(int).tolist(), means.tolist(), strict=True)
    )

    def last_ten(index: int) -> np.ndarray:
        minute = int(starts[index] // 60)
        return np.array(
            [by_minute[m] for m in range(minute - 9, minute + 1) if m in by_minute]
        )

    # A weekday afternoon, judged against the night before it only.
    afternoon = next(
        i for i, t in enumerate(local) if t.day == 4 and (t.hour, t.minute) == (15, 0)
    )
    night = [i for i, t in enumerate(local[:afternoon]) if t.day == 4 and t.hour < 5]
    stats = np.array(
        [[w.mean(), w.std(), w.max() - w.min()] for w in (last_ten(i) for i in night)]
    )
    highest = stats.max(axis=0)
    window = last_ten(afternoon)
    row = matrix[afternoon]
    assert row[COLUMN["night_known"]] == 1.0
    assert row[COLUMN["night_mean_ratio"]] == pytest.approx(window.mean() / highest[0])
    assert row[COLUMN["night_std_ratio"]] == pytest.approx(window.std() / highest[1])
    assert row[COLUMN["night_range_ratio"]] == pytest.approx(
        (window.max() - window.min()) / highest[2]
    )
    assert row[COLUMN["night_excess_va"]] == pytest.approx(window.mean() - highest[0])
    # A recording that starts at noon knows no night until its first midnight.
    noon = next(i for i, t in enumerate(local) if t.hour == 12)
    times = uci_house.timestamps_s
    begin = int(np.searchsorted(times, starts[noon]))
    later_starts, later = features_for_series(
        times[begin:], uci_house.apparent_va[begin:], None, "Europe/Paris"
    )
    known = later[:, COLUMN["night_known"]]
    midnight = next(
        i
        for i, t in enumerate(later_starts.tolist())
        if datetime.fromtimestamp(t, PARIS).hour == 0
    )
    assert midnight > 600
    assert known[:midnight].max() == 0.0
    assert known[midnight:].min() == 1.0


def test_plateau_counts_minutes_since_the_last_100_va_switch(
    refit_house: Series,
) -> None:
    starts, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "Europe/London"
    )
    switched = (
        matrix[:, COLUMN["steps_up_100"]] + matrix[:, COLUMN["steps_down_100"]]
    ) > 0
    plateau = matrix[:, COLUMN["plateau_min"]]
    assert switched.any()
    assert (~switched).any()
    first = int(np.argmax(switched))
    assert (plateau[:first] == 240.0).all()
    last_switch = None
    for index in range(first, starts.size):
        minute = int(starts[index] // 60)
        if switched[index]:
            last_switch = minute
        assert last_switch is not None
        assert plateau[index] == min(240, minute - last_switch)


def test_stored_state_keeps_last_nights_maxima(uci_house: Series) -> None:
    times = uci_house.timestamps_s.tolist()
    power = uci_house.apparent_va.tolist()
    # Stop at noon on the third day: the night reference is that morning's.
    cut = (
        next(
            i for i, t in enumerate(times) if datetime.fromtimestamp(t, PARIS).day == 29
        )
        + 12 * 60
    )
    stream = FeatureStream("Europe/Paris")
    for t, va in zip(times[:cut], power[:cut], strict=True):
        stream.push(t, va, None)
    stored = json.loads(json.dumps(stream.to_dict()))
    restored = FeatureStream.from_dict(stored, "Europe/Paris")
    fresh = FeatureStream("Europe/Paris")
    columns = [COLUMN["night_known"], COLUMN["night_excess_va"]]

    def next_minutes(target: FeatureStream) -> dict[float, list[float]]:
        # The recent minutes are not stored: compare once they are refilled.
        return {
            m.minute_start_s: m.values[columns].tolist()
            for t, va in zip(
                times[cut : cut + 600], power[cut : cut + 600], strict=True
            )
            if (m := target.push(t, va, None)) is not None
            and m.minute_start_s > times[cut] + 11 * 60
        }

    kept = next_minutes(stream)
    again = next_minutes(restored)
    assert len(kept) >= 580
    assert sorted(again) == sorted(kept)
    for minute, values in kept.items():
        assert values[0] == again[minute][0] == 1.0
        assert again[minute][1] == pytest.approx(values[1], abs=0.01)
    # A state stored before the night maxima existed still restores, without them.
    older = {k: v for k, v in stored.items() if not k.startswith("night")}
    older["version"] = 1
    upgraded = next_minutes(FeatureStream.from_dict(older, "Europe/Paris"))
    assert {values[0] for values in upgraded.values()} == {0.0}
    assert {values[0] for values in next_minutes(fresh).values()} == {0.0}


@pytest.mark.parametrize(
    "state",
    [
        None,
        [],
        {"version": 99},
        {"version": 1, "baseload_minimums_va": "lots"},
        {"version": 1, "baseload_minimums_va": [1.0] * 2000},
        {"version": 1, "baseload_minimums_va": [float("nan")]},
        {"version": 1, "baseload_minimums_va": [-5]},
        {"version": 1, "baseload_minimums_va": [True]},
        {"version": 1, "baseload_minimums_va": [], "offpeak_state": "yes"},
        {"version": 1, "baseload_minimums_va": [], "offpeak_start_minute": 1.5},
        {"version": 2, "baseload_minimums_va": [], "night_day": 738000},
        {
            "version": 2,
            "baseload_minimums_va": [],
            "night_day": 738000,
            "night_maxima": [1.0],
        },
        {
            "version": 2,
            "baseload_minimums_va": [],
            "night_day": "x",
            "night_maxima": [1, 2, 3],
        },
        {
            "version": 2,
            "baseload_minimums_va": [],
            "night_day": 738000,
            "night_maxima": [1, -2, 3],
        },
        {"version": 3, "baseload_minimums_va": []},
    ],
)
def test_a_corrupt_stored_state_raises_state_error(state: object) -> None:
    with pytest.raises(StateError):
        FeatureStream.from_dict(state)


def _stored_after_a_night(uci_house: Series) -> dict[str, object]:
    """Return the JSON state of a stream that has seen one whole night."""
    stream = FeatureStream("Europe/Paris")
    times = uci_house.timestamps_s.tolist()
    power = uci_house.apparent_va.tolist()
    for t, va in zip(times[: 36 * 60], power[: 36 * 60], strict=True):
        stream.push(t, va, None)
    stored: dict[str, object] = json.loads(json.dumps(stream.to_dict()))
    return stored


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"night_day": True}, id="night-day-true"),
        pytest.param({"night_day": 733_000.0}, id="night-day-float"),
        pytest.param({"night_day": -733_000}, id="night-day-negative"),
        pytest.param({"night_day": date.max.toordinal() + 1}, id="night-day-no-date"),
        pytest.param({"night_day": 10**30}, id="night-day-huge"),
        pytest.param({"night_maxima": [math.nan, 1.0, 1.0]}, id="maxima-nan"),
        pytest.param({"night_maxima": [1.0, math.inf, 1.0]}, id="maxima-infinite"),
        pytest.param({"night_maxima": ["300", "20", "50"]}, id="maxima-text"),
        pytest.param({"night_maxima": [300.0, 20.0]}, id="maxima-too-short"),
        pytest.param({"night_maxima": [300.0, 20.0, 50.0, 1.0]}, id="maxima-too-long"),
        pytest.param({"night_maxima": None}, id="maxima-null"),
        pytest.param({"night_maxima": [True, 20.0, 50.0]}, id="maxima-bool"),
        pytest.param(
            {"night_day": None, "night_maxima": ["x", None]},
            id="no-night-yet-bad-maxima",
        ),
        pytest.param({"version": True}, id="version-true"),
        pytest.param({"version": 2.0}, id="version-float"),
    ],
)
def test_hostile_night_values_in_a_stored_state_raise_state_error(
    uci_house: Series, change: dict[str, object]
) -> None:
    stored = _stored_after_a_night(uci_house)
    assert isinstance(stored["night_day"], int)
    FeatureStream.from_dict(stored, "Europe/Paris")

    with pytest.raises(StateError):
        FeatureStream.from_dict({**stored, **change}, "Europe/Paris")


@pytest.mark.parametrize("key", ["night_day", "night_maxima"])
def test_a_version_2_state_without_its_night_keys_raises_state_error(
    uci_house: Series, key: str
) -> None:
    stored = _stored_after_a_night(uci_house)
    del stored[key]

    with pytest.raises(StateError):
        FeatureStream.from_dict(stored, "Europe/Paris")


_samples = st.lists(
    st.tuples(
        st.one_of(
            st.floats(min_value=0.0, max_value=3.0),
            st.floats(min_value=-400.0, max_value=4000.0),
        ),
        st.one_of(
            st.floats(min_value=0.0, max_value=40_000.0),
            st.sampled_from([float("nan"), float("inf"), -10.0, 1e300]),
        ),
        st.sampled_from([None, True, False]),
        st.one_of(st.none(), st.integers(min_value=-10, max_value=10**9)),
    ),
    max_size=400,
)


@settings(max_examples=150, deadline=None)
@given(_samples)
def test_no_sample_stream_ever_yields_a_non_finite_feature(
    samples: list[tuple[float, float, bool | None, int | None]],
) -> None:
    stream = FeatureStream("Europe/Paris")
    t = 1_420_000_000.0
    timeline = []
    for step, va, flag, energy in samples:
        t += step
        timeline.append((t, va, flag, energy))

    minutes = _stream_all(stream, timeline)

    for minute in minutes:
        assert minute.values.shape == (len(FEATURE_NAMES),)
        assert np.isfinite(minute.values).all()
        assert minute.samples >= 1
