"""Specify the detector facade the Home Assistant side calls on every reading."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from hypothesis import given, settings, strategies as st
import numpy as np
import pytest

from custom_components.linky_activity.activity.detector import (
    ActivityDetector,
    DetectorConfig,
    DetectorState,
)
from custom_components.linky_activity.activity.errors import ModelError, StateError
from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    features_for_series,
)
from custom_components.linky_activity.activity.model import (
    load_model,
    model_from_dict,
)

from .conftest import Series, model_header, offpeak_schedule

if TYPE_CHECKING:
    from pathlib import Path

PARIS_CONFIG = DetectorConfig(timezone="Europe/Paris")


def _logistic_model() -> object:
    coef = [0.0] * len(FEATURE_NAMES)
    coef[FEATURE_NAMES.index("ctx5_level_over_baseload_va")] = 0.01
    return model_from_dict(
        {**model_header("logistic"), "logistic": {"coef": coef, "intercept": -3.0}}
    )


def _replay(
    detector: ActivityDetector,
    series: Series,
    offpeak: np.ndarray | None = None,
    rows: slice = slice(None),
) -> list[DetectorState]:
    flags = [None] * len(series.timestamps_s) if offpeak is None else offpeak.tolist()
    states = []
    for t, va, flag in zip(
        series.timestamps_s[rows].tolist(),
        series.apparent_va[rows].tolist(),
        flags[rows],
        strict=True,
    ):
        state = detector.update(t, va, flag)
        if state is not None:
            states.append(state)
    return states


def test_a_state_comes_once_a_minute_and_sees_the_real_kettle(
    refit_house: Series,
) -> None:
    detector = ActivityDetector(DetectorConfig(timezone="Europe/London"))

    states = _replay(detector, refit_house)

    assert len(states) == 239
    assert np.all(np.diff([s.minute_start_s for s in states]) == 60)
    kettle = next(s for s in states if s.minute_start_s == 1420701180.0)
    assert kettle.active
    assert kettle.probability is None
    assert kettle.last_activity_s == 1420701240.0
    assert kettle.inactive_for_s == 0


def test_the_model_probability_is_computed_on_the_training_features(
    refit_house: Series,
) -> None:
    model = _logistic_model()
    detector = ActivityDetector(DetectorConfig(timezone="Europe/London"), model)  # type: ignore[arg-type]

    states = _replay(detector, refit_house)
    _, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "Europe/London"
    )

    expected = model.predict_proba(matrix)[: len(states)]  # type: ignore[attr-defined]
    assert [s.probability for s in states] == pytest.approx(expected.tolist())
    assert any(s.active for s in states)
    assert not all(s.active for s in states)


def test_a_broken_model_file_leaves_detection_running(
    tmp_path: Path, refit_house: Series
) -> None:
    broken = tmp_path / "activity_model.json"
    broken.write_text('{"format": "linky-activity-model", "format_version": 9}')
    with pytest.raises(ModelError):
        load_model(broken)
    detector = ActivityDetector(DetectorConfig(timezone="Europe/London"))
    detector.set_model(_logistic_model())  # type: ignore[arg-type]
    _replay(detector, refit_house, rows=slice(0, 1000))

    detector.set_model(None)
    states = _replay(detector, refit_house, rows=slice(1000, None))

    assert all(s.probability is None for s in states)
    assert any(s.active for s in states)


def test_unusual_night_activity_raises_one_event_with_its_facts(
    uci_house: Series,
) -> None:
    offpeak = offpeak_schedule(uci_house.timestamps_s, 22, 6)
    detector = ActivityDetector(PARIS_CONFIG)

    states = _replay(detector, uci_house, offpeak)

    night_events = [e for s in states for e in s.events if e.kind == "night_activity"]
    flagged = [s for s in states if s.night_activity]
    assert night_events
    assert len(night_events) <= len(flagged) // 3
    first = night_events[0]
    assert first.since_s == first.at_s - first.duration_s
    assert all(s.active for s in flagged)
    assert states[-1].learning_progress == 1.0


def test_learned_state_survives_a_restart(uci_house: Series) -> None:
    offpeak = offpeak_schedule(uci_house.timestamps_s, 22, 6)
    half = len(uci_house.timestamps_s) // 2
    running = ActivityDetector(PARIS_CONFIG)
    _replay(running, uci_house, offpeak, slice(0, half))

    stored = json.loads(json.dumps(running.to_dict(), allow_nan=False))
    restarted = ActivityDetector.from_dict(stored, PARIS_CONFIG)
    after_running = _replay(running, uci_house, offpeak, slice(half, None))
    after_restart = _replay(restarted, uci_house, offpeak, slice(half, None))

    # The restarted detector starts a fresh minute; compare after an hour.
    restart_minutes = {s.minute_start_s: s for s in after_restart[60:]}
    pairs = [
        (s, restart_minutes[s.minute_start_s])
        for s in after_running
        if s.minute_start_s in restart_minutes
    ]
    assert len(pairs) == len(restart_minutes)
    assert [b.night_threshold_va for _, b in pairs] == pytest.approx(
        [a.night_threshold_va for a, _ in pairs], abs=1.0
    )
    assert [b.inactivity_threshold_s for _, b in pairs] == pytest.approx(
        [a.inactivity_threshold_s for a, _ in pairs], abs=1.0
    )
    agreement = np.mean([a.active == b.active for a, b in pairs])
    assert agreement > 0.99


def test_memory_stays_bounded_as_days_go_by(uci_house: Series) -> None:
    offpeak = offpeak_schedule(uci_house.timestamps_s, 22, 6)
    detector = ActivityDetector(PARIS_CONFIG)
    two_days = 2 * 1440

    _replay(detector, uci_house, offpeak, slice(0, two_days))
    early = detector.memory_bytes()
    _replay(detector, uci_house, offpeak, slice(two_days, None))
    late = detector.memory_bytes()

    assert early < 200_000
    assert late - early < 40_000


@pytest.mark.parametrize(
    "state",
    [None, {"version": 1}, {"version": 1, "features": {"version": 1}}],
)
def test_a_corrupt_stored_detector_raises_state_error(state: object) -> None:
    with pytest.raises(StateError):
        ActivityDetector.from_dict(state, PARIS_CONFIG)


_readings = st.lists(
    st.tuples(
        st.one_of(
            st.floats(min_value=0.0, max_value=5.0),
            st.floats(min_value=-7200.0, max_value=90_000.0),
        ),
        st.one_of(
            st.floats(min_value=0.0, max_value=12_000.0),
            st.sampled_from([float("nan"), float("inf"), -1.0]),
        ),
        st.sampled_from([None, True, False]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
    ),
    max_size=300,
)


@settings(max_examples=60, deadline=None)
@given(_readings)
def test_any_reading_stream_gives_finite_states_and_never_raises(
    readings: list[tuple[float, float, bool | None, int | None]],
) -> None:
    detector = ActivityDetector(PARIS_CONFIG, _logistic_model())  # type: ignore[arg-type]
    t = 1_767_571_200.0
    for step, va, flag, energy in readings:
        t += step
        state = detector.update(t, va, flag, energy)
        if state is None:
            continue
        numbers = [
            state.score,
            state.power_va,
            state.night_excess_va,
            state.night_threshold_va,
            state.inactive_for_s,
            state.inactivity_threshold_s,
        ]
        assert np.isfinite(numbers).all()
        assert state.probability is not None
        assert 0.0 <= state.probability <= 1.0

    json.dumps(detector.to_dict(), allow_nan=False)
