"""Read the French UCI house and play it minute by minute as its meter would."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
import gzip
import shutil
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from training.datasets.uci import read_uci
from training.simulation.tariff import NIGHT_OFF_PEAK

from .live_meter import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

    from custom_components.linky_activity.hub import LinkyHub
    from training.datasets import HouseRecording

    from .live_meter import Replay

PARIS = ZoneInfo("Europe/Paris")
UCI_FIXTURE = FIXTURES / "activity" / "uci_household_power_2006-12-27_2007-01-13.txt.gz"
# The meter shows apparent power; this house's power factor is close to 1.
POWER_FACTOR = 0.96
HEATER_W = 1000.0
HEATER_MINUTES = 30
OTHER_RISE_W = 500.0
KETTLE_VA = 2000.0
KETTLE_MINUTES = 6
KETTLE_AT = time(3, 0)


def read_french_house(folder: Path) -> HouseRecording:
    """Read the UCI house with the project's own dataset reader."""
    target = folder / "household_power_consumption.txt"
    with gzip.open(UCI_FIXTURE, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return read_uci(target)


def heater_only_nights(house: HouseRecording) -> list[date]:
    """Return the nights (00:00-06:00) when only the water heater rose.

    The heater sub-meter draws over 1 kW for half an hour or more, and the
    rest of the house stays within 500 W of that night's floor.
    """
    heater = next(c for c in house.channels if c.name.startswith("Sub_metering_3"))
    rows_by_night: dict[date, list[int]] = defaultdict(list)
    for index, stamp in enumerate(house.timestamps_s.tolist()):
        moment = datetime.fromtimestamp(stamp, PARIS)
        if moment.hour < 6:
            rows_by_night[moment.date()].append(index)
    nights = []
    for night, rows in sorted(rows_by_night.items()):
        total = house.aggregate_w[rows]
        heating = np.nan_to_num(heater.power_w[rows])
        floor = np.nanpercentile(total, 5)
        heater_ran = (heating > HEATER_W).sum() >= HEATER_MINUTES
        if heater_ran and np.nanmax(total - heating - floor) < OTHER_RISE_W:
            nights.append(night)
    return nights


def kettle_start_s(night: date) -> float:
    """Return when the added kettle goes on, that night at 03:00."""
    return datetime.combine(night, KETTLE_AT, PARIS).timestamp()


@dataclass(frozen=True, slots=True)
class MeterMinutes:
    """Hold what the meter shows each minute: power, off-peak, total energy."""

    timestamps_s: np.ndarray
    power_va: np.ndarray
    offpeak: np.ndarray
    total_wh: np.ndarray

    @classmethod
    def of(cls, house: HouseRecording, kettle_night: date) -> MeterMinutes:
        """Return the house's minutes with a kettle added on one night."""
        stamps = house.timestamps_s
        start = kettle_start_s(kettle_night)
        kettle = (stamps >= start) & (stamps < start + KETTLE_MINUTES * 60.0)
        power = house.aggregate_w / POWER_FACTOR
        return cls(
            timestamps_s=stamps,
            power_va=np.where(kettle, power + KETTLE_VA, power),
            offpeak=NIGHT_OFF_PEAK.off_peak(stamps, "Europe/Paris"),
            total_wh=np.cumsum(np.nan_to_num(house.aggregate_w)) / 60.0,
        )

    async def play(
        self, replay: Replay, hub: LinkyHub, from_s: float, until_s: float
    ) -> None:
        """Send one frame a minute, as recorded, from one moment to another."""
        columns = (self.timestamps_s, self.power_va, self.offpeak, self.total_wh)
        for stamp, va, flag, energy in zip(
            *(column.tolist() for column in columns), strict=True
        ):
            if stamp >= until_s:
                return
            if stamp >= from_s and not np.isnan(va):
                await replay.send(hub, stamp, replay.frames.frame(va, flag, energy))
