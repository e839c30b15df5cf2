"""Specify how windows are lined up, joined, summed to half-hours and trusted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from training.datasets.refit import read_refit
from training.datasets.uci import read_uci
from training.labels import label_minutes
from training.tables import slot_labels, stitch, watts_table
from training.trust import unexplained_load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "datasets"
HOUSE_2 = FIXTURES / "refit" / "House_2.csv"
DAY_START_S = 1420675200.0


def _minute_at(starts: np.ndarray, hour: float, minute: float) -> int:
    """Return the row of a minute of 2015-01-08 (UTC, the UK's time in January)."""
    return int(np.searchsorted(starts, DAY_START_S + hour * 3600 + minute * 60))


def test_an_unmonitored_shower_is_unexplained_load_and_a_quiet_night_is_not() -> None:
    recording = read_refit(HOUSE_2)
    labels = label_minutes(recording)

    unexplained = unexplained_load(recording, labels.starts_s)

    # 08:33-08:39: the aggregate jumps by about 10 kW while no monitor moves
    # (no shower is monitored in House 2); 03:00 is the quiet night.
    shower = _minute_at(labels.starts_s, 8, 35)
    night = _minute_at(labels.starts_s, 3, 0)
    assert unexplained[shower] > 9000
    assert not labels.active[shower]
    assert abs(unexplained[night]) < 100
    assert abs(np.nanpercentile(unexplained, 5)) < 1e-9


def test_half_hours_are_active_when_any_scored_minute_is() -> None:
    minutes = watts_table(read_refit(HOUSE_2))

    starts, active, scored, _ = slot_labels(minutes)

    assert starts.size == 49
    assert np.all(np.diff(starts) == 1800.0)
    for slot in (0, 15, 35):
        inside = (minutes.starts_s >= starts[slot]) & (
            minutes.starts_s < starts[slot] + 1800
        )
        assert active[slot] == bool((minutes.labels & minutes.scored)[inside].any())
        assert scored[slot] == (minutes.scored[inside].sum() >= 15)
    assert active.sum() == 15


def test_a_half_hour_is_scored_only_when_half_its_minutes_are() -> None:
    minutes = watts_table(read_refit(HOUSE_2))
    thinned = minutes.scored.copy()
    first_slot = minutes.starts_s < DAY_START_S + 1800
    thinned[np.flatnonzero(first_slot)[:16]] = False

    _, _, scored, _ = slot_labels(replace(minutes, scored=thinned))

    assert not scored[0]
    assert scored[1]


def test_two_files_of_one_house_join_on_one_grid_with_the_gap_unscored() -> None:
    source = FIXTURES / "uci_household_power"
    first = watts_table(read_uci(source / "household_power_consumption.txt"))
    second = watts_table(
        read_uci(source / "2006-12-27_2007-01-13" / "household_power_consumption.txt")
    )

    joined = stitch([second, first])

    assert joined.starts_s[0] == first.starts_s[0]
    assert joined.starts_s[-1] == second.starts_s[-1]
    assert np.all(np.diff(joined.starts_s) == 60.0)
    assert joined.scored.sum() == first.scored.sum() + second.scored.sum()
    between = (joined.starts_s > first.starts_s[-1]) & (
        joined.starts_s < second.starts_s[0]
    )
    assert between.sum() > 8 * 1440
    assert not joined.scored[between].any()
    assert np.isnan(joined.power[between]).all()
