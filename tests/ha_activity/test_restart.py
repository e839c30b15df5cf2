"""Check that learned state survives a reload, and bad stored state is handled."""

from __future__ import annotations

from datetime import UTC, datetime
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.activity_store import storage_key

from .live_meter import meter_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from .live_meter import Replay


START_S = datetime(2026, 1, 8, 8, 0, tzinfo=UTC).timestamp()
QUIET_VA = 180.0


@pytest.fixture
def hass_storage() -> dict[str, object]:
    """Let the integration read and write real files in the test's folder."""
    return {}


def _store_path(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    """Return where the entry's learned state lives."""
    return Path(hass.config.path(".storage", storage_key(entry.entry_id)))


def _state_of(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    """Return the state of the entry's entity with this translation key."""
    registry = er.async_get(hass)
    for registry_entry in er.async_entries_for_config_entry(registry, entry.entry_id):
        if registry_entry.translation_key == key:
            state = hass.states.get(registry_entry.entity_id)
            assert state is not None
            return state.state
    raise AssertionError(f"no {key} entity")


async def _run_morning(replay: Replay, entry: MockConfigEntry) -> None:
    """Start the entry, play a quiet spell, a real morning and quiet again."""
    await replay.hass.config.async_set_time_zone("Europe/Paris")
    hub = await replay.start(entry, START_S, QUIET_VA)
    moment = await replay.hold(hub, START_S, 15, QUIET_VA)
    moment = await replay.burst(hub, moment)
    await replay.hold(hub, moment, 10, QUIET_VA)


async def test_learned_state_and_last_activity_survive_a_reload(
    hass: HomeAssistant, replay: Replay
) -> None:
    entry = meter_entry(replay.link.path)
    await _run_morning(replay, entry)
    learned = activity_runtime(hass, entry).detector.to_dict()
    last_activity = _state_of(hass, entry, "last_activity")
    assert last_activity not in (STATE_UNKNOWN, STATE_UNAVAILABLE)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    stored = json.loads(_store_path(hass, entry).read_text(encoding="utf-8"))
    assert stored["data"]["detector"] == learned

    await replay.start(entry, START_S + 3600.0, QUIET_VA)

    restored = activity_runtime(hass, entry).detector.to_dict()
    assert restored["night"] == learned["night"]
    assert restored["inactivity"] == learned["inactivity"]
    assert _state_of(hass, entry, "last_activity") == last_activity


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('{"version": 1, "minor_version": 1, "key": "linky', id="cut"),
        pytest.param(
            '{"version": 1, "minor_version": 1, "key": "k", "data": '
            '{"detector": {"version": 99}}}',
            id="unknown-detector-version",
        ),
        pytest.param(
            '{"version": 1, "minor_version": 1, "key": "k", "data": '
            '{"detector": {"version": 1, "features": "garbage"}}}',
            id="malformed-detector",
        ),
    ],
)
async def test_bad_store_file_is_set_aside_and_the_meter_still_works(
    hass: HomeAssistant,
    replay: Replay,
    caplog: pytest.LogCaptureFixture,
    content: str,
) -> None:
    entry = meter_entry(replay.link.path)
    path = _store_path(hass, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        await _run_morning(replay, entry)

    assert entry.state is ConfigEntryState.LOADED
    [aside] = list(path.parent.glob(f"{path.name}.corrupt.*"))
    assert aside.read_text(encoding="utf-8") == content
    assert "learning again" in caplog.text
    assert float(_state_of(hass, entry, "apparent_power")) > 0
    assert _state_of(hass, entry, "last_activity") != STATE_UNKNOWN
    assert activity_runtime(hass, entry).detector.night.nights_learned == 0


async def test_removing_the_meter_erases_its_learned_state(
    hass: HomeAssistant, replay: Replay
) -> None:
    entry = meter_entry(replay.link.path)
    await _run_morning(replay, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert _store_path(hass, entry).exists()

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert not _store_path(hass, entry).exists()
