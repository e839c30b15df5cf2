"""Check that learned state is kept on disk, and bad files are set aside."""

from __future__ import annotations

from datetime import timedelta
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.linky_activity.activity_store import (
    SAVE_DELAY_S,
    STORAGE_VERSION,
    LearnedStateStore,
    storage_key,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

ENTRY_ID = "01JTESTENTRY"
LEARNED = {"detector": {"version": 1, "baseline_va": [312.0, 305.5]}, "note": "é"}


@pytest.fixture
def hass_storage() -> dict[str, object]:
    """Let the stores read and write real files in the test's own folder."""
    return {}


def _write(hass: HomeAssistant, content: str) -> Path:
    """Put `content` where the entry's store file lives."""
    path = Path(hass.config.path(".storage", storage_key(ENTRY_ID)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def _set_aside_copies(path: Path) -> list[Path]:
    """Return the copies of `path` renamed out of the way."""
    return sorted(path.parent.glob(f"{path.name}.corrupt.*"))


async def test_state_saved_now_is_what_a_new_store_loads(hass: HomeAssistant) -> None:
    await LearnedStateStore(hass, ENTRY_ID).async_save_now(LEARNED)

    assert await LearnedStateStore(hass, ENTRY_ID).async_load() == LEARNED


async def test_scheduled_save_writes_once_the_delay_has_passed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    store = LearnedStateStore(hass, ENTRY_ID)
    store.schedule_save(lambda: {"count": 1})
    store.schedule_save(lambda: {"count": 2})
    await hass.async_block_till_done()
    assert not store.path.exists()

    freezer.tick(timedelta(seconds=SAVE_DELAY_S - 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert not store.path.exists()
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    written = json.loads(store.path.read_text(encoding="utf-8"))
    assert written["version"] == STORAGE_VERSION
    assert written["data"] == {"count": 2}


async def test_missing_store_file_means_nothing_learned_yet(
    hass: HomeAssistant,
) -> None:
    assert await LearnedStateStore(hass, ENTRY_ID).async_load() is None


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('{"version": 1, "minor_version": 1, "key": "x", "da', id="cut"),
        pytest.param("\x00\x00\x00\x00", id="zeroed"),
        pytest.param("[1, 2, 3]", id="not-an-object"),
        pytest.param('{"data": {}}', id="no-version"),
        pytest.param('{"version": 1, "data": [1, 2]}', id="data-not-an-object"),
        pytest.param('{"version": 9, "data": {}}', id="from-a-newer-release"),
    ],
)
async def test_unusable_store_file_is_set_aside_with_a_warning(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = _write(hass, content)

    with caplog.at_level(logging.WARNING):
        loaded = await LearnedStateStore(hass, ENTRY_ID).async_load()

    assert loaded is None
    assert not path.exists()
    [copy] = _set_aside_copies(path)
    assert copy.read_text(encoding="utf-8") == content
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("learning again" in r.getMessage() for r in warnings)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not ir.async_get(hass).issues


async def test_saving_after_a_set_aside_file_starts_a_fresh_store(
    hass: HomeAssistant,
) -> None:
    path = _write(hass, "{truncated")
    store = LearnedStateStore(hass, ENTRY_ID)
    assert await store.async_load() is None

    await store.async_save_now(LEARNED)

    assert await LearnedStateStore(hass, ENTRY_ID).async_load() == LEARNED
    assert len(_set_aside_copies(path)) == 1


async def test_removing_erases_the_state_and_its_set_aside_copies(
    hass: HomeAssistant,
) -> None:
    path = _write(hass, "{truncated")
    store = LearnedStateStore(hass, ENTRY_ID)
    await store.async_load()
    await store.async_save_now(LEARNED)
    other = LearnedStateStore(hass, "another-entry")
    await other.async_save_now(LEARNED)

    await store.async_remove()

    assert not path.exists()
    assert _set_aside_copies(path) == []
    assert await other.async_load() == LEARNED
