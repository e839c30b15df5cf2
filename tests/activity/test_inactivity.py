"""Specify inactivity alerts and arrivals on constructed activity timelines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
import json
from typing import TYPE_CHECKING

import pytest

from custom_components.linky_activity.activity.errors import StateError
from custom_components.linky_activity.activity.inactivity import (
    InactivityConfig,
    InactivityTracker,
)

from .conftest import PARIS

if TYPE_CHECKING:
    from custom_components.linky_activity.activity.events import ActivityEvent

DAY = date(2026, 3, 2)


def _at(day: date, hour: int, minute: int = 0) -> float:
    return datetime.combine(day, time(hour, minute), PARIS).timestamp()


def _local(stamp: float | None) -> str:
    assert stamp is not None
    return datetime.fromtimestamp(stamp, PARIS).strftime("%d %H:%M")


def _replay(
    tracker: InactivityTracker,
    start: float,
    end: float,
    active_spans: list[tuple[float, float]],
) -> list[ActivityEvent]:
    events = []
    minute = start
    while minute < end:
        active = any(a <= minute < b for a, b in active_spans)
        events.extend(tracker.update(minute, active))
        minute += 60.0
    return events


def _tracker(**options: object) -> InactivityTracker:
    return InactivityTracker(InactivityConfig(**options), "Europe/Paris")  # type: ignore[arg-type]


def test_the_alert_fires_once_the_default_threshold_passes_in_the_day() -> None:
    tracker = _tracker()

    events = _replay(tracker, _at(DAY, 7), _at(DAY, 15), [(_at(DAY, 8), _at(DAY, 9))])

    (alert,) = events
    assert alert.kind == "inactivity_alert"
    assert _local(alert.at_s) == "02 13:00"
    assert _local(alert.since_s) == "02 09:00"
    assert alert.duration_s == 4 * 3600
    assert alert.threshold_s == 4 * 3600
    assert tracker.alert


def test_quiet_time_from_the_night_counts_only_from_the_day_start() -> None:
    tracker = _tracker()
    previous = DAY - timedelta(days=1)

    events = _replay(
        tracker,
        _at(previous, 21),
        _at(DAY, 12),
        [(_at(previous, 21), _at(previous, 22))],
    )

    (alert,) = events
    assert _local(alert.at_s) == "02 11:00"
    assert _local(alert.since_s) == "01 22:00"
    assert alert.duration_s == 13 * 3600


def test_no_alert_is_raised_outside_the_day_window() -> None:
    tracker = _tracker(day_start_min=7 * 60, day_end_min=22 * 60)

    events = _replay(
        tracker,
        _at(DAY, 19),
        _at(DAY + timedelta(days=1), 6),
        [(_at(DAY, 19), _at(DAY, 20))],
    )

    assert events == []
    assert tracker.inactive_for_s(_at(DAY + timedelta(days=1), 6)) == 10 * 3600


def test_activity_after_an_alert_clears_it_and_says_how_long_it_lasted() -> None:
    tracker = _tracker(threshold_min=60)

    events = _replay(
        tracker,
        _at(DAY, 8),
        _at(DAY, 13),
        [(_at(DAY, 8), _at(DAY, 9)), (_at(DAY, 12), _at(DAY, 12, 30))],
    )

    assert [e.kind for e in events] == [
        "inactivity_alert",
        "inactivity_cleared",
        "arrival",
    ]
    alert, cleared, _ = events
    assert _local(alert.at_s) == "02 10:00"
    assert _local(cleared.at_s) == "02 12:00"
    assert cleared.duration_s == 3 * 3600
    assert not tracker.alert


def test_an_arrival_is_the_first_activity_after_a_long_quiet_period() -> None:
    tracker = _tracker(arrival_quiet_min=120, threshold_min=600)

    events = _replay(
        tracker,
        _at(DAY, 7),
        _at(DAY, 18),
        [
            (_at(DAY, 7), _at(DAY, 8)),
            (_at(DAY, 9), _at(DAY, 9, 10)),
            (_at(DAY, 16, 30), _at(DAY, 17)),
        ],
    )

    (arrival,) = events
    assert arrival.kind == "arrival"
    assert _local(arrival.at_s) == "02 16:30"
    assert _local(arrival.since_s) == "02 09:10"
    assert arrival.duration_s == pytest.approx(7 * 3600 + 20 * 60)


def test_arrivals_outside_their_window_are_not_reported() -> None:
    tracker = _tracker(
        threshold_min=600, arrival_start_min=15 * 60, arrival_end_min=19 * 60
    )

    events = _replay(
        tracker,
        _at(DAY, 6),
        _at(DAY, 18),
        [
            (_at(DAY, 6), _at(DAY, 6, 30)),
            (_at(DAY, 10), _at(DAY, 10, 30)),
            (_at(DAY, 16), _at(DAY, 16, 30)),
        ],
    )

    assert [_local(e.at_s) for e in events if e.kind == "arrival"] == ["02 16:00"]


def test_the_threshold_is_learned_from_the_homes_own_usual_gaps() -> None:
    tracker = _tracker()
    alerts_per_day = []
    for offset in range(10):
        day = DAY + timedelta(days=offset)
        routine = [
            (_at(day, 7), _at(day, 8)),
            (_at(day, 12), _at(day, 13)),
            (_at(day, 18), _at(day, 23)),
        ]
        events = _replay(tracker, _at(day, 0), _at(day + timedelta(days=1), 0), routine)
        alerts_per_day.append(sum(e.kind == "inactivity_alert" for e in events))

    # The usual four- and five-hour gaps alert until a week is learned.
    assert alerts_per_day[:6] == [2] * 6
    assert alerts_per_day[8:] == [0, 0]
    assert tracker.learned
    assert tracker.threshold_s(_at(DAY, 13)) == pytest.approx(5 * 3600 * 1.2)


def test_learned_state_survives_a_round_trip() -> None:
    tracker = _tracker()
    _replay(
        tracker,
        _at(DAY, 7),
        _at(DAY, 20),
        [(_at(DAY, 7), _at(DAY, 8)), (_at(DAY, 11), _at(DAY, 12))],
    )

    restored = InactivityTracker.from_dict(
        json.loads(json.dumps(tracker.to_dict())),
        InactivityConfig(),
        "Europe/Paris",
    )

    assert restored.to_dict() == tracker.to_dict()
    assert restored.inactive_for_s(_at(DAY, 20)) == 8 * 3600


@pytest.mark.parametrize(
    "change",
    [
        {"version": 3},
        {"alert": "no"},
        {"days_seen": -1},
        {"gaps_s": [[]] * 23},
        {"gaps_s": [[10]] + [[]] * 23},
        {"last_activity_s": float("nan")},
    ],
)
def test_a_corrupt_inactivity_state_raises_state_error(
    change: dict[str, object],
) -> None:
    state = {**_tracker().to_dict(), **change}

    with pytest.raises(StateError):
        InactivityTracker.from_dict(state)


@pytest.mark.parametrize(
    "options",
    [
        {"day_start_min": 600, "day_end_min": 600},
        {"threshold_min": 0},
        {"arrival_start_min": 900},
        {"day_end_min": 1440},
        {"arrival_start_min": 900, "arrival_end_min": 2000},
    ],
)
def test_impossible_settings_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must"):
        InactivityConfig(**options)  # type: ignore[arg-type]
