"""Specify how the integration lives through every way a real meter line fails.

Each test breaks a real line (a pseudo-terminal behind a by-id link, or a
loopback TCP bridge) under a running Home Assistant, lets the outage last in
mock time until the reconnect backoff is at its longest, repairs the line,
and times, in real time, how long the entities take to come back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lines import meter
from .scenario import lose_and_recover, set_up_meter, unload

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest

    from .lines import Dongle

HISTORICAL = "historical-mono-tempo-pyteleinfo.txt"
STANDARD = "standard-tri-tempo-tasmota38.txt"


async def test_an_unplugged_dongle_is_back_within_10_s_of_being_plugged_in(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    entry, _ = await set_up_meter(hass, dongle, str(dongle.path), HISTORICAL)

    async def unplug() -> None:
        dongle.unplug()

    async def plug_in() -> None:
        dongle.plug()
        await dongle.play(meter(HISTORICAL))

    await lose_and_recover(
        hass,
        entry,
        caplog,
        fault="dongle unplugged",
        break_line=unplug,
        repair_line=plug_in,
    )
    await unload(hass, entry)
