"""Check that a home's learned state survives the upgrade to feature version 2."""

from __future__ import annotations

from datetime import datetime
import json
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.linky_activity.activity.detector import ActivityDetector
from custom_components.linky_activity.activity_options import detector_config
from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.activity_store import (
    STORAGE_VERSION,
    storage_key,
)

from .french_house import PARIS, MeterMinutes, heater_only_nights, read_french_house
from .live_meter import meter_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from .live_meter import Replay

# What the previous release's feature state held, and nothing else.
VERSION_1_FEATURE_KEYS = {
    "version",
    "baseload_minimums_va",
    "offpeak_state",
    "offpeak_start_minute",
}
LEARNED_DAYS = 4
RESTART_VA = 300.0


@pytest.fixture
def hass_storage() -> dict[str, object]:
    """Let the integration read and write real files in the test's folder."""
    return {}


def _learned_over_days(
    minutes: MeterMinutes, until_s: float
) -> tuple[dict[str, Any], float]:
    """Run the detector over the house's first days; return its state and end."""
    detector = ActivityDetector(detector_config({}, "Europe/Paris"))
    last = 0.0
    columns = (minutes.timestamps_s, minutes.power_va, minutes.offpeak)
    for stamp, va, flag in zip(*(c.tolist() for c in columns), strict=True):
        if stamp >= until_s:
            break
        if not math.isnan(va):
            detector.update(stamp, va, bool(flag))
            last = stamp
    stored: dict[str, Any] = json.loads(json.dumps(detector.to_dict()))
    return stored, last


def _as_version_1(detector_state: dict[str, Any]) -> dict[str, Any]:
    """Return a detector state whose feature part a version 1 writer wrote."""
    features = {
        key: value
        for key, value in detector_state["features"].items()
        if key not in {"night_day", "night_maxima"}
    }
    features["version"] = 1
    return {**detector_state, "features": features}


def _seed_store(hass: HomeAssistant, entry: MockConfigEntry, data: object) -> Path:
    """Write the entry's store file as Home Assistant's Store writes it."""
    path = Path(hass.config.path(".storage", storage_key(entry.entry_id)))
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": STORAGE_VERSION,
        "minor_version": 1,
        "key": storage_key(entry.entry_id),
        "data": data,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


async def _restart_on(
    replay: Replay, detector_state: dict[str, Any], at_s: float
) -> tuple[MockConfigEntry, Path]:
    """Start a Paris meter whose store holds a detector state; play 3 minutes."""
    hass = replay.hass
    await hass.config.async_set_time_zone("Europe/Paris")
    entry = meter_entry(replay.link.path)
    entry.add_to_hass(hass)
    path = _seed_store(hass, entry, {"detector": detector_state})
    hub = await replay.start(entry, at_s, RESTART_VA)
    await replay.hold(hub, at_s, 3, RESTART_VA)
    return entry, path


async def test_a_version_1_feature_state_keeps_the_baseload_and_the_night_baseline(
    hass: HomeAssistant,
    replay: Replay,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    house = read_french_house(tmp_path)
    minutes = MeterMinutes.of(house, heater_only_nights(house)[-1])
    first = datetime.fromtimestamp(float(minutes.timestamps_s[0]), PARIS)
    # Stop mid-afternoon, far from the night window and the off-peak hours.
    until = first.replace(hour=15, minute=0).timestamp() + LEARNED_DAYS * 86_400.0
    learned, last_s = _learned_over_days(minutes, until)
    assert learned["features"]["night_day"] is not None
    older = _as_version_1(learned)
    assert set(older["features"]) == VERSION_1_FEATURE_KEYS
    reference = ActivityDetector.from_dict(learned, detector_config({}, "Europe/Paris"))
    assert reference.night.nights_learned >= 3

    with caplog.at_level(logging.WARNING):
        entry, path = await _restart_on(replay, older, last_s + 60.0)

    runtime = activity_runtime(hass, entry)
    restored = runtime.detector.to_dict()
    assert "learning again" not in caplog.text
    assert "set aside" not in caplog.text
    assert list(path.parent.glob(f"{path.name}.corrupt.*")) == []
    assert restored["night"] == learned["night"]
    for learned_key in ("days_seen", "last_day", "gaps_s"):
        assert restored["inactivity"][learned_key] == learned["inactivity"][learned_key]
    assert runtime.night_baseline_va == pytest.approx(reference.night.baseline_va)
    assert runtime.detector.night.nights_learned == reference.night.nights_learned
    # The baseload ring carries on: the oldest minutes make room for the new.
    kept = learned["features"]["baseload_minimums_va"]
    now = restored["features"]["baseload_minimums_va"]
    assert len(kept) == len(now) == 1440
    added = next(n for n in range(1, 60) if now[:-n] == kept[n:])
    assert now[-added:] == [RESTART_VA] * added
    # The night maxima are learned again from the next night.
    assert restored["features"]["version"] == 2
    assert restored["features"]["night_day"] is None

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    saved = json.loads(path.read_text(encoding="utf-8"))["data"]["detector"]
    assert saved["features"]["version"] == 2
    assert saved["night"] == learned["night"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"night_day": True}, id="night-day-true"),
        pytest.param({"night_maxima": ["300", "20", "50"]}, id="maxima-text"),
        pytest.param({"version": True}, id="version-true"),
    ],
)
async def test_hostile_night_keys_set_the_store_aside_and_the_meter_still_works(
    hass: HomeAssistant,
    replay: Replay,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, object],
) -> None:
    house = read_french_house(tmp_path)
    minutes = MeterMinutes.of(house, heater_only_nights(house)[-1])
    until = float(minutes.timestamps_s[0]) + 2 * 86_400.0
    learned, last_s = _learned_over_days(minutes, until)
    learned["features"] = {**learned["features"], **change}

    with caplog.at_level(logging.WARNING):
        entry, path = await _restart_on(replay, learned, last_s + 60.0)

    assert "learning again" in caplog.text
    [aside] = list(path.parent.glob(f"{path.name}.corrupt.*"))
    assert json.loads(aside.read_text(encoding="utf-8"))["data"]["detector"] == learned
    runtime = activity_runtime(hass, entry)
    assert runtime.detector.night.nights_learned == 0
    assert runtime.state is not None
