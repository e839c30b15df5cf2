"""Specify the baselines and the alert replay on a real REFIT day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from training.alerts import replay_alerts
from training.baselines import (
    BASELINES,
    BASELOAD_MARGIN_VA,
    always_active_daytime,
    baseload_threshold,
    night_max_threshold,
)
from training.datasets.refit import read_refit
from training.quiet import inject_quiet_gaps
from training.tables import watts_table

if TYPE_CHECKING:
    from training.windows import WindowTable

FIXTURES = Path(__file__).parent.parent / "fixtures" / "datasets"
HOUSE_2 = FIXTURES / "refit" / "House_2.csv"


@pytest.fixture(scope="module")
def day() -> WindowTable:
    """Return REFIT House 2's whole day 2015-01-08 as one-minute windows."""
    return watts_table(read_refit(HOUSE_2))


def _local_hour_minute(start_s: float) -> tuple[int, int]:
    """Return the UK wall-clock hour and minute (GMT in January)."""
    moment = datetime.fromtimestamp(start_s, tz=UTC)
    return moment.hour, moment.minute


def test_baseload_threshold_calls_active_the_minutes_200_va_over_the_quiet_level(
    day: WindowTable,
) -> None:
    quiet_level = np.percentile(day.power[np.isfinite(day.power)], 5)

    output = baseload_threshold(day)

    expected = np.nan_to_num(day.power, nan=-1.0) > quiet_level + BASELOAD_MARGIN_VA
    assert np.array_equal(output.predicted, expected)
    # The kettle (2-3 kW) lifts every minute it boils far above the margin.
    kettle = day.labels & (day.power > quiet_level + 2000)
    assert kettle.any()
    assert output.predicted[kettle].all()


def test_night_max_never_fires_in_the_night_it_learned_from(day: WindowTable) -> None:
    output = night_max_threshold(day)

    night = day.clock.hour < 5
    assert not output.predicted[night].any()
    assert output.predicted[~night].any()


def test_night_max_goes_blind_when_a_water_heater_runs_at_night(
    day: WindowTable,
) -> None:
    heated_power = day.power.copy()
    heater_on = (day.clock.hour >= 1) & (day.clock.hour < 3)
    heated_power[heater_on] += 2400.0
    heated = replace(day, power=heated_power)

    plain_count = night_max_threshold(day).predicted.sum()
    heated_count = night_max_threshold(heated).predicted.sum()

    # The night's largest level now includes the heater: only bigger loads
    # than a 2.4 kW heater still count during the day.
    assert heated_count < plain_count / 2


def test_daytime_baseline_is_on_from_seven_to_ten_pm_local(day: WindowTable) -> None:
    output = always_active_daytime(day)

    on_minutes = day.starts_s[output.predicted]
    assert on_minutes.size == 15 * 60
    assert _local_hour_minute(float(on_minutes[0])) == (7, 0)
    assert _local_hour_minute(float(on_minutes[-1])) == (21, 59)


def test_no_baseline_calls_a_minute_without_power_active(day: WindowTable) -> None:
    missing = ~np.isfinite(day.power)
    assert missing.any()

    for name, baseline in BASELINES.items():
        if name == "daytime":
            continue
        assert not baseline(day).predicted[missing].any(), name


def test_a_detector_that_never_fires_gets_one_false_alert_on_an_active_morning(
    day: WindowTable,
) -> None:
    outcome = replay_alerts(day, np.zeros(day.starts_s.size, dtype=bool))

    # Four quiet hours from 07:00: the alert fires at 11:00, and House 2's
    # labels show activity that morning, so the alert is false.
    morning = (day.clock.hour >= 7) & (day.clock.hour < 11)
    assert (day.labels & morning).any()
    assert (outcome.alerts, outcome.false_alerts) == (1, 1)
    assert outcome.false_alerts_per_week == pytest.approx(7.0, rel=0.01)


def test_a_detector_that_follows_the_labels_raises_no_false_alert(
    day: WindowTable,
) -> None:
    outcome = replay_alerts(day, day.labels)

    assert outcome.false_alerts == 0


def test_an_injected_quiet_afternoon_raises_a_true_alert_inside_it() -> None:
    quiet = inject_quiet_gaps(read_refit(HOUSE_2))
    table = watts_table(quiet.recording)

    assert len(quiet.gaps_s) == 1
    begin, end = quiet.gaps_s[0]
    inside = (table.starts_s >= begin) & (table.starts_s < end)
    assert not table.labels[inside].any()

    following = replay_alerts(table, table.labels, gaps_s=quiet.gaps_s)
    always_on = replay_alerts(
        table, np.ones(table.starts_s.size, dtype=bool), gaps_s=quiet.gaps_s
    )

    assert (following.gaps_alerted, following.false_alerts) == (1, 0)
    assert following.gap_alert_rate == 1.0
    assert (always_on.alerts, always_on.gaps_alerted) == (0, 0)


def test_the_injected_gap_shows_the_homes_night_level_not_its_day() -> None:
    recording = read_refit(HOUSE_2)
    quiet = inject_quiet_gaps(recording)
    assert recording.aggregate_w is not None
    assert quiet.recording.aggregate_w is not None

    begin, end = quiet.gaps_s[0]
    times = recording.timestamps_s
    inside = (times >= begin) & (times < end)
    night = (times >= begin - 10 * 3600) & (times < begin - 3 * 3600)

    before = np.nanmean(recording.aggregate_w[inside])
    after = np.nanmean(quiet.recording.aggregate_w[inside])
    assert after < before
    assert np.nanmax(quiet.recording.aggregate_w[inside]) <= np.nanmax(
        recording.aggregate_w[night]
    )
