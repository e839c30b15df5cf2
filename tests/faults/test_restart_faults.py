"""Specify what Home Assistant restarts and damaged files do to what was learned.

tests/ha_activity checks a reload after a morning, three kinds of bad store
file, and a cut model file; this suite goes on from there: a restart after a
whole learned night, a power cut that loses the last writes, every way a
learned store file can be damaged (with nothing but learning lost), and every
way a model file can be tampered with (with the night baseline running on).

The meter is the activity suite's clocked pseudo-terminal: frames are written
at the moments a frozen clock is moved to, so a night plays in seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ha_activity.live_meter import ClockedTerminal, FrameBuilder, Replay, meter_entry
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from properties.model_documents import logistic_document
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.linky_activity import model_loader
from custom_components.linky_activity.activity.detector import ActivityDetector
from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
)
from custom_components.linky_activity.activity.model import MAX_MODEL_BYTES
from custom_components.linky_activity.activity_const import (
    CONF_SENSITIVITY,
    ISSUE_MODEL_UNUSABLE,
)
from custom_components.linky_activity.activity_options import detector_config
from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.activity_store import (
    SAVE_DELAY_S,
    STORAGE_VERSION,
    storage_key,
)
from custom_components.linky_activity.const import DOMAIN

from .storage import hass_config_dir, hass_storage  # noqa: F401 - fixtures
from .watch import report

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.linky_activity.hub import LinkyHub

ZONE = "Europe/Paris"
# 20:00 in Paris on a Monday: the evening, then the night the baseline learns.
EVENING_S = datetime(2026, 1, 5, 19, 0, tzinfo=UTC).timestamp()
STEP_S = 20.0
OPTIONS = {CONF_SENSITIVITY: "high"}


def _power_at(moment_s: float) -> float:
    """Return a quiet home's power: a base load, a fridge, a kettle at 07:30."""
    local = datetime.fromtimestamp(moment_s, UTC) + timedelta(hours=1)
    minute = local.hour * 60 + local.minute
    fridge = 110.0 if minute % 45 < 15 else 0.0
    kettle = 2100.0 if local.hour == 7 and 30 <= local.minute < 34 else 0.0
    return 165.0 + fridge + kettle


def _moments(start_s: float, hours: float) -> list[float]:
    """Return the moments a frame is sent, every STEP_S for `hours`."""
    return [start_s + STEP_S * i for i in range(int(hours * 3600 / STEP_S))]


def _offline_learned_state() -> dict[str, Any]:
    """Return what the detector learns over an evening and a night, as stored."""
    detector = ActivityDetector(detector_config(OPTIONS, ZONE), None)
    for moment in _moments(EVENING_S, 13):
        detector.update(moment, _power_at(moment), None, None)
    return {"detector": detector.to_dict()}


LEARNED = _offline_learned_state()


@pytest.fixture
async def replay(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> AsyncIterator[Replay]:
    """Give a meter on a clocked pseudo-terminal."""
    await hass.config.async_set_time_zone(ZONE)
    # A debug loop keeps a traceback for every callback: too slow for a night.
    hass.loop.set_debug(False)
    link = ClockedTerminal()
    yield Replay(hass, link, FrameBuilder(), freezer)
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    link.close()


def _store_path(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    """Return where the entry's learned state lives."""
    return Path(hass.config.path(".storage", storage_key(entry.entry_id)))


async def _read(hass: HomeAssistant, path: Path) -> bytes:
    """Read a file off the event loop, as the blocking-call detection wants."""
    return await hass.async_add_executor_job(path.read_bytes)


async def _write(hass: HomeAssistant, path: Path, data: bytes) -> None:
    """Write a file, and its folder if needed, off the event loop."""

    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    await hass.async_add_executor_job(write)


async def _play(replay: Replay, hub: LinkyHub, start_s: float, hours: float) -> float:
    """Play the quiet home for `hours` from `start_s`; return the last moment."""
    moment = start_s
    for moment in _moments(start_s, hours):
        await replay.send(
            hub, moment, replay.frames.frame(_power_at(moment), False, None)
        )
    return moment


def _learned(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Return the night baseline's and the usual gaps' learned state."""
    state = activity_runtime(hass, entry).detector.to_dict()
    return {"night": state["night"], "inactivity": state["inactivity"]}


def _shown(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Return the state of each of the entry's entities, by translation key."""
    registry = er.async_get(hass)
    return {
        item.translation_key or item.unique_id: hass.states.get(item.entity_id).state
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if hass.states.get(item.entity_id) is not None
    }


async def test_a_restart_after_a_learned_night_brings_back_the_baseline_and_gaps(
    hass: HomeAssistant, replay: Replay
) -> None:
    entry = meter_entry(replay.link.path, **OPTIONS)
    hub = await replay.start(entry, EVENING_S)
    last = await _play(replay, hub, EVENING_S, 13)
    learned = _learned(hass, entry)
    runtime = activity_runtime(hass, entry)
    nights = runtime.detector.night.nights_learned
    shown = _shown(hass, entry)
    assert nights >= 1
    assert shown["night_baseline"] not in ("unknown", STATE_UNAVAILABLE)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hub = await replay.start(entry, last + 600.0)

    assert _learned(hass, entry) == learned
    restored = _shown(hass, entry)
    for key in ("night_baseline", "learning_progress", "last_activity"):
        assert restored[key] == shown[key], key
    report(
        f"restart after {nights} learned night(s): night baseline"
        f" {shown['night_baseline']} VA and learning {shown['learning_progress']} %"
        " back as they were"
    )


async def test_a_power_cut_loses_no_more_than_the_writes_since_the_last_save(
    hass: HomeAssistant, replay: Replay, freezer: FrozenDateTimeFactory
) -> None:
    entry = meter_entry(replay.link.path, **OPTIONS)
    hub = await replay.start(entry, EVENING_S)
    last = await _play(replay, hub, EVENING_S, 13)
    path = _store_path(hass, entry)
    # The store writes at most every SAVE_DELAY_S: let that much time pass.
    freezer.move_to(datetime.fromtimestamp(last + SAVE_DELAY_S + 1, UTC))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    on_disk_at_cut = await _read(hass, path)
    saved = json.loads(on_disk_at_cut)["data"]["detector"]
    assert saved["night"] == _learned(hass, entry)["night"]
    await _play(replay, hub, last + SAVE_DELAY_S + 20, 0.2)

    # The cut: Home Assistant never ran its unload, so the last write is lost.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await _write(hass, path, on_disk_at_cut)
    hub = await replay.start(entry, last + 2 * SAVE_DELAY_S)

    assert _learned(hass, entry) == {
        "night": saved["night"],
        "inactivity": saved["inactivity"],
    }
    assert activity_runtime(hass, entry).detector.night.nights_learned >= 1


def _envelope(data: object, entry: MockConfigEntry) -> bytes:
    """Return a store file as Home Assistant writes it, holding `data`."""
    return json.dumps(
        {
            "version": STORAGE_VERSION,
            "minor_version": 1,
            "key": storage_key(entry.entry_id),
            "data": data,
        },
        indent=4,
    ).encode()


def _with_nan(entry: MockConfigEntry) -> bytes:
    """Return the learned store with the learned night's floor made NaN."""
    state = json.loads(json.dumps(LEARNED))
    state["detector"]["night"]["nights"][0]["floor_va"] = math.nan
    return _envelope(state, entry)


def _with_negative_count(entry: MockConfigEntry) -> bytes:
    """Return the learned store with the usual gaps' day count below zero."""
    state = json.loads(json.dumps(LEARNED))
    state["detector"]["inactivity"]["days_seen"] = -3
    return _envelope(state, entry)


DAMAGES = {
    "truncated": lambda entry: _envelope(LEARNED, entry)[:1500],
    "empty": lambda entry: b"",
    "not UTF-8": lambda entry: b"\xff\xfe\x00{" + _envelope(LEARNED, entry)[4:],
    "zeroed": lambda entry: b"\x00" * len(_envelope(LEARNED, entry)),
    "NaN in the night": _with_nan,
    "negative day count": _with_negative_count,
    "data a list": lambda entry: _envelope([LEARNED], entry),
    "detector a string": lambda entry: _envelope({"detector": "learned"}, entry),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
async def test_a_damaged_learned_store_is_set_aside_and_nothing_else_is_lost(
    hass: HomeAssistant,
    replay: Replay,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    entry = meter_entry(replay.link.path, **OPTIONS)
    path = _store_path(hass, entry)
    await _write(hass, path, _envelope(LEARNED, entry))
    hub = await replay.start(entry, EVENING_S + 13 * 3600)
    assert _learned(hass, entry) == {
        key: LEARNED["detector"][key] for key in ("night", "inactivity")
    }
    entities = {
        item.unique_id: item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }
    devices = [
        d.id
        for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    ]
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    damaged = DAMAGES[damage](entry)
    await _write(hass, path, damaged)
    caplog.clear()

    hub = await replay.start(entry, EVENING_S + 14 * 3600)
    await _play(replay, hub, EVENING_S + 14 * 3600, 0.1)

    assert entry.state is ConfigEntryState.LOADED
    [aside] = await hass.async_add_executor_job(
        lambda: list(path.parent.glob(f"{path.name}.corrupt.*"))
    )
    assert await _read(hass, aside) == damaged
    warnings = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and r.name.startswith("custom_components.linky_activity")
    ]
    assert len(warnings) == 1
    assert "learning again" in warnings[0].getMessage()
    assert activity_runtime(hass, entry).detector.night.nights_learned == 0
    # Only what was learned is gone: the entry, its options, its entities and
    # its device are as they were, and the meter is read.
    assert dict(entry.options) == OPTIONS
    kept = {
        item.unique_id: item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }
    assert entities.items() <= kept.items()
    assert [
        d.id
        for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    ] == devices
    assert float(_shown(hass, entry)["apparent_power"]) > 0
    report(f"learned store {damage}: set aside, one warning, entry and entities kept")


def _tampered(change: str) -> bytes:
    """Return a model file tampered with in one way."""
    document = logistic_document()
    match change:
        case "wrong shapes":
            document["logistic"]["coef"] = [0.001] * (len(FEATURE_NAMES) - 3)
        case "NaN":
            return (
                json.dumps(document)
                .replace('"intercept": -2', '"intercept": NaN')
                .encode()
            )
        case "overflowing number":
            return (
                json.dumps(document)
                .replace('"intercept": -2', '"intercept": -1e999')
                .encode()
            )
        case "unknown version":
            document["format_version"] = 7
        case "unknown feature version":
            document["feature_version"] = FEATURE_VERSION + 1
        case "oversize":
            return json.dumps(document).encode() + b" " * MAX_MODEL_BYTES
        case "endless integer":
            return (
                json.dumps(document)
                .replace('"intercept": -2', f'"intercept": {"7" * 5000}')
                .encode()
            )
        case "pickle":
            return b"\x80\x05\x95\x1a\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94."
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "change",
    [
        "wrong shapes",
        "NaN",
        "overflowing number",
        "unknown version",
        "unknown feature version",
        "oversize",
        "endless integer",
        "pickle",
    ],
)
async def test_a_tampered_model_raises_a_repair_issue_and_detection_runs_on(
    hass: HomeAssistant,
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    model_file = tmp_path / "activity_model.json"
    await _write(hass, model_file, _tampered(change))
    monkeypatch.setattr(model_loader, "MODEL_PATH", model_file)
    entry = meter_entry(replay.link.path, **OPTIONS)

    hub = await replay.start(entry, EVENING_S)
    await _play(replay, hub, EVENING_S, 0.25)

    assert entry.state is ConfigEntryState.LOADED
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_MODEL_UNUSABLE)
    assert issue is not None
    assert issue.translation_placeholders is not None
    reason = issue.translation_placeholders["reason"]
    runtime = activity_runtime(hass, entry)
    assert not runtime.model_loaded
    assert runtime.state is not None
    assert runtime.state.probability is None
    assert math.isfinite(runtime.state.night_baseline_va)
    shown = _shown(hass, entry)
    assert shown["activity"] != STATE_UNAVAILABLE
    report(f"model file, {change}: repair issue ({reason[:60]}), detection on")
