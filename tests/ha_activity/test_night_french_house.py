"""Replay 18 days of the French UCI house through the meter path, minute by minute.

The house has an electric storage water heater that runs on many nights,
and the off-peak period (22:00-06:00 here, a common French schedule) is in
every frame. Its heater nights must raise no night-activity event; a kettle
added at 03:00 on one of them must raise exactly one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
import gzip
from pathlib import Path
import shutil
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.linky_activity import hub as hub_module
from custom_components.linky_activity.activity_const import EVENT_NIGHT_ACTIVITY
from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.const import CONF_PUBLISH_INTERVAL
from training.datasets.uci import read_uci
from training.simulation.tariff import NIGHT_OFF_PEAK

from .live_meter import meter_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest

    from training.datasets import HouseRecording

    from .live_meter import Replay


PARIS = ZoneInfo("Europe/Paris")
UCI_FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "activity"
    / "uci_household_power_2006-12-27_2007-01-13.txt.gz"
)
# The meter shows apparent power; this house's power factor is close to 1.
POWER_FACTOR = 0.96
HEATER_W = 1000.0
HEATER_MINUTES = 30
OTHER_RISE_W = 500.0
KETTLE_VA = 2000.0
KETTLE_MINUTES = 6
KETTLE_AT = time(3, 0)


def _read_house(folder: Path) -> HouseRecording:
    """Read the UCI house with the project's own dataset reader."""
    target = folder / "household_power_consumption.txt"
    with gzip.open(UCI_FIXTURE, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return read_uci(target)


def _heater_only_nights(house: HouseRecording) -> list[date]:
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


async def test_heater_nights_stay_quiet_and_a_kettle_at_three_is_reported(
    hass: HomeAssistant,
    replay: Replay,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    house = _read_house(tmp_path)
    heater_nights = _heater_only_nights(house)
    assert len(heater_nights) >= 6
    # The last heater night, long after the first three nights are learned.
    kettle_night = heater_nights[-1]
    kettle_start = datetime.combine(kettle_night, KETTLE_AT, PARIS).timestamp()
    stamps = house.timestamps_s
    power = house.aggregate_w / POWER_FACTOR
    kettle = (stamps >= kettle_start) & (stamps < kettle_start + KETTLE_MINUTES * 60)
    power = np.where(kettle, power + KETTLE_VA, power)
    offpeak = NIGHT_OFF_PEAK.off_peak(stamps, "Europe/Paris")
    total_wh = np.cumsum(np.nan_to_num(house.aggregate_w)) / 60.0

    # The house gives one reading a minute: the link must not be declared
    # lost between two of them.
    monkeypatch.setattr(hub_module, "WATCHDOG_S", 300.0)
    await hass.config.async_set_time_zone("Europe/Paris")
    # Meter entities need not write every replayed minute; detection sees all.
    entry = meter_entry(replay.link.path, **{CONF_PUBLISH_INTERVAL: 3600})
    hub = await replay.start(entry, float(stamps[0]) - 60.0, float(power[0]))
    events = async_capture_events(hass, EVENT_NIGHT_ACTIVITY)
    samples = zip(
        stamps.tolist(),
        power.tolist(),
        offpeak.tolist(),
        total_wh.tolist(),
        strict=True,
    )
    for stamp, va, flag, energy in samples:
        if not np.isnan(va):
            await replay.send(hub, stamp, replay.frames.frame(va, flag, energy))
    await hass.async_block_till_done()

    flagged: dict[date, list[datetime]] = defaultdict(list)
    for event in events:
        since = datetime.fromisoformat(event.data["since"]).astimezone(PARIS)
        flagged[since.date()].append(since)
    print(
        "night activity events:",
        {
            night.isoformat(): [moment.strftime("%H:%M") for moment in moments]
            for night, moments in sorted(flagged.items())
        },
    )
    assert [night for night in heater_nights[:-1] if night in flagged] == []
    [caught] = flagged[kettle_night]
    assert abs(caught.timestamp() - kettle_start) <= 5 * 60
    runtime = activity_runtime(hass, entry)
    assert runtime.detector.night.nights_learned >= 3
    assert runtime.night_baseline_va is not None
