"""Load the real dataset slices the detection tests run on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import gzip
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Series:
    """Hold a real house's aggregate as the meter would give it."""

    timestamps_s: np.ndarray
    apparent_va: np.ndarray
    heater_w: np.ndarray


def _load_refit() -> Series:
    rows = np.genfromtxt(
        FIXTURES / "refit_House_2_2015-01-08_06-10.csv",
        delimiter=",",
        skip_header=1,
        usecols=(1, 2),
    )
    # REFIT gives active power; a plausible power factor turns it into VA.
    return Series(rows[:, 0], np.round(rows[:, 1] / 0.95), np.zeros(len(rows)))


def _load_uci() -> Series:
    path = FIXTURES / "uci_household_power_2006-12-27_2007-01-13.txt.gz"
    times: list[float] = []
    power: list[float] = []
    heater: list[float] = []
    with gzip.open(path, "rt", encoding="ascii") as handle:
        next(handle)
        for line in handle:
            fields = line.rstrip("\r\n").split(";")
            day, month, year = (int(v) for v in fields[0].split("/"))
            hour, minute, second = (int(v) for v in fields[1].split(":"))
            wall = datetime(year, month, day, hour, minute, second, tzinfo=PARIS)
            times.append(wall.timestamp())
            if "?" in fields:
                power.append(np.nan)
                heater.append(np.nan)
                continue
            active = float(fields[2]) * 1000.0
            reactive = float(fields[3]) * 1000.0
            power.append(float(np.hypot(active, reactive)))
            # Sub-metering is in Wh per minute.
            heater.append(float(fields[8]) * 60.0)
    return Series(np.array(times), np.array(power), np.array(heater))


@pytest.fixture(scope="session")
def refit_house() -> Series:
    """Return four morning hours of REFIT House 2 (about 8 s a sample)."""
    return _load_refit()


@pytest.fixture(scope="session")
def uci_house() -> Series:
    """Return 18 days of the French UCI house (1 sample a minute, VA)."""
    return _load_uci()


def offpeak_schedule(
    timestamps_s: np.ndarray, start_hour: int, end_hour: int
) -> np.ndarray:
    """Return the off-peak flag of a common French schedule, local time."""
    hours = np.array(
        [datetime.fromtimestamp(t, PARIS).hour for t in timestamps_s.tolist()]
    )
    if start_hour < end_hour:
        return (hours >= start_hour) & (hours < end_hour)
    return (hours >= start_hour) | (hours < end_hour)


def model_header(kind: str) -> dict[str, object]:
    """Return the common part of a valid model document of this kind."""
    return {
        "format": "linky-activity-model",
        "format_version": 1,
        "kind": kind,
        "feature_names": list(FEATURE_NAMES),
        "feature_version": FEATURE_VERSION,
        "created": "2026-01-31",
        "card": {},
        "threshold": 0.5,
    }
