"""The dataset replay can begin a house's day at a chosen local time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from training.datasets.errors import DatasetError
from training.datasets.refit import read_refit
from training.simulation.replay_source import starting_at

REFIT = Path(__file__).parents[1] / "fixtures" / "datasets" / "refit"


def test_starting_at_seven_drops_the_night_and_keeps_every_later_sample() -> None:
    recording = read_refit(REFIT / "House_2.csv")

    morning = starting_at(recording, 7 * 3600)

    first = datetime.fromtimestamp(float(morning.timestamps_s[0]), ZoneInfo("UTC"))
    assert (first.hour, first.minute) == (7, 0)
    dropped = len(recording.timestamps_s) - len(morning.timestamps_s)
    assert recording.timestamps_s[dropped] == morning.timestamps_s[0]
    assert recording.timestamps_s[dropped - 1] < morning.timestamps_s[0]
    assert morning.aggregate_w is not None
    assert recording.aggregate_w is not None
    assert list(morning.aggregate_w) == list(recording.aggregate_w[dropped:])
    for before, after in zip(recording.channels, morning.channels, strict=True):
        assert len(after.power_w) == len(morning.timestamps_s)
        assert list(after.power_w[:5]) == list(before.power_w[dropped : dropped + 5])


def test_starting_after_the_last_sample_is_a_dataset_error() -> None:
    recording = read_refit(REFIT / "House_2.csv")
    late = starting_at(recording, 23 * 3600 + 59 * 60)
    with pytest.raises(DatasetError, match="no samples after"):
        starting_at(late, 24 * 3600 + 23 * 3600)
