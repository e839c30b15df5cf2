"""Specify how scores become a steady activity state."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest

from custom_components.linky_activity.activity.errors import StateError
from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    features_for_series,
)
from custom_components.linky_activity.activity.fusion import (
    ActivityFusion,
    FusionConfig,
    fallback_score,
    sensitivity_value,
)
from custom_components.linky_activity.activity.night_baseline import NightStatus

if TYPE_CHECKING:
    from .conftest import Series

COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _night(*, activity: bool = False, background: str | None = None) -> NightStatus:
    return NightStatus(
        in_window=True,
        night_activity=activity,
        excess_va=0.0,
        deviation=0.0,
        threshold_va=1000.0,
        baseline_va=200.0,
        background=background,
    )


def _states(fusion: ActivityFusion, scores: list[float]) -> list[bool]:
    return [
        fusion.update(60.0 * i, score, None, 0.0).active
        for i, score in enumerate(scores)
    ]


def test_the_state_turns_on_at_the_on_threshold_and_off_below_the_off_one() -> None:
    fusion = ActivityFusion(FusionConfig(min_on_minutes=0, off_confirm_minutes=1))

    states = _states(fusion, [0.2, 0.49, 0.5, 0.45, 0.36, 0.34, 0.4, 0.49, 0.5])

    # On at 0.5; 0.45 and 0.36 stay above the 0.35 off threshold.
    assert states == [False, False, True, True, True, False, False, False, True]


def test_a_flickering_score_does_not_flicker_the_state() -> None:
    fusion = ActivityFusion()

    states = _states(fusion, [0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1])

    assert states == [True] * 6 + [False] * 4


def test_the_state_stays_on_for_the_minimum_on_time() -> None:
    fusion = ActivityFusion(FusionConfig(min_on_minutes=5, off_confirm_minutes=2))

    states = _states(fusion, [0.9] + [0.0] * 7)

    assert states == [True] * 5 + [False] * 3


def test_changes_are_reported_with_the_time_they_happened() -> None:
    fusion = ActivityFusion(FusionConfig(min_on_minutes=0, off_confirm_minutes=1))

    results = [
        fusion.update(60.0 * i, s, None, 0.0) for i, s in enumerate([0.1, 0.8, 0.1])
    ]

    assert [r.changed for r in results] == [False, True, True]
    assert [r.since_s for r in results] == [0.0, 60.0, 120.0]


@pytest.mark.parametrize(
    ("sensitivity", "turns_on"), [("low", False), ("normal", False), ("high", True)]
)
def test_sensitivity_moves_the_on_threshold(sensitivity: str, turns_on: bool) -> None:
    config = FusionConfig(sensitivity=sensitivity_value(sensitivity))
    fusion = ActivityFusion(config)

    assert fusion.update(0.0, 0.42, None, 0.0).active is turns_on


def test_unusual_night_activity_turns_the_state_on_whatever_the_model_says() -> None:
    fusion = ActivityFusion()

    result = fusion.update(0.0, 0.01, _night(activity=True), 0.0)

    assert result.active
    assert result.score == 1.0


def test_without_a_model_the_fallback_score_decides() -> None:
    fusion = ActivityFusion()

    assert fusion.update(0.0, None, None, 0.8).active
    assert fusion.update(60.0, None, None, 0.8).score == 0.8


def test_a_long_silence_drops_the_state() -> None:
    fusion = ActivityFusion()
    fusion.update(0.0, 0.9, None, 0.0)

    result = fusion.update(3600.0, 0.0, None, 0.0)

    assert not result.active
    assert result.changed


def test_the_fallback_sees_a_real_kettle_and_not_the_quiet_house(
    refit_house: Series,
) -> None:
    starts, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "UTC"
    )
    scores = np.array([fallback_score(row.tolist(), None) for row in matrix])
    kettle = starts == 1420701180.0  # 07:13 UTC, the kettle switches on.
    level = matrix[:, COLUMN["ctx5_level_over_baseload_va"]]

    assert scores[kettle][0] >= 0.75
    assert (scores[level < 50] < 0.5).all()


def test_the_fallback_is_capped_for_loads_the_night_baseline_explains(
    refit_house: Series,
) -> None:
    _, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "UTC"
    )
    busiest = matrix[np.argmax(matrix[:, COLUMN["ctx5_level_over_baseload_va"]])]

    assert fallback_score(busiest.tolist(), _night()) == 1.0
    assert fallback_score(busiest.tolist(), _night(background="cycling")) < 0.35


def test_the_fallback_ignores_the_water_heater_step_at_offpeak_start(
    refit_house: Series,
) -> None:
    _, matrix = features_for_series(
        refit_house.timestamps_s, refit_house.apparent_va, None, "UTC"
    )
    row = matrix[0].copy()
    row[COLUMN["steps_up_500"]] = 1
    row[COLUMN["offpeak"]] = 1
    row[COLUMN["offpeak_elapsed_min"]] = 0

    assert fallback_score(row.tolist(), None) < 0.75


@pytest.mark.parametrize("bad", ["loud", 1.5, -0.1])
def test_an_unknown_sensitivity_is_refused(bad: str | float) -> None:
    with pytest.raises(ValueError, match="sensitivity"):
        sensitivity_value(bad)


def test_fusion_state_survives_a_round_trip() -> None:
    fusion = ActivityFusion()
    fusion.update(0.0, 0.9, None, 0.0)

    restored = ActivityFusion.from_dict(json.loads(json.dumps(fusion.to_dict())))

    assert restored.active
    assert restored.since_s == 0.0


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"version": 1, "active": "yes"},
        {"version": 1, "active": True, "since_s": "noon", "last_s": None},
        {"version": 1, "active": True, "since_s": -5.0, "last_s": None},
    ],
)
def test_a_corrupt_fusion_state_raises_state_error(state: object) -> None:
    with pytest.raises(StateError):
        ActivityFusion.from_dict(state)
