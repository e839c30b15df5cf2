"""Share fixtures for the activity tests run in a real Home Assistant."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
import pytest

from .live_meter import ClockedBridge, ClockedTerminal, FrameBuilder, Replay

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

REPO = Path(__file__).resolve().parents[2]
BLUEPRINT_SOURCE = REPO / "blueprints" / "automation" / "linky_activity"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Give every test its own configuration folder on disk."""
    return hass_tmp_config_dir


@pytest.fixture
def installed_blueprints(hass_config_dir: str) -> Path:
    """Copy the shipped blueprints where Home Assistant looks for them."""
    target = Path(hass_config_dir) / "blueprints" / "automation" / "linky_activity"
    shutil.copytree(BLUEPRINT_SOURCE, target)
    return target


def _fast_loop(hass: HomeAssistant) -> None:
    """Turn off the test loop's debug mode for long replays.

    Debug mode records a traceback for every scheduled callback; over the
    tens of thousands of frames a replayed day sends, that alone triples the
    run time, and it checks nothing these tests rely on.
    """
    hass.loop.set_debug(False)


async def _unload_all(hass: HomeAssistant) -> None:
    """Unload every loaded entry while its line still exists.

    A meter silent long enough makes the integration reopen its port; the
    line must outlive any reopening in flight, or its failure would surface
    after the test.
    """
    for entry in hass.config_entries.async_entries():
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def terminal(hass: HomeAssistant) -> AsyncIterator[ClockedTerminal]:
    """Give the dongle: a real pseudo-terminal."""
    _fast_loop(hass)
    link = ClockedTerminal()
    yield link
    await _unload_all(hass)
    link.close()


@pytest.fixture
async def bridge(
    hass: HomeAssistant, socket_enabled: None
) -> AsyncIterator[ClockedBridge]:
    """Give a network bridge to the meter, on a loopback port."""
    _fast_loop(hass)
    link = ClockedBridge()
    await link.start()
    yield link
    await _unload_all(hass)
    await link.close()


@pytest.fixture
def meter_frames() -> FrameBuilder:
    """Build the meter's frames from power samples."""
    return FrameBuilder()


@pytest.fixture
def replay(
    hass: HomeAssistant,
    terminal: ClockedTerminal,
    meter_frames: FrameBuilder,
    freezer: FrozenDateTimeFactory,
) -> Replay:
    """Drive a meter behind the pseudo-terminal on the test's clock."""
    return Replay(hass, terminal, meter_frames, freezer)
