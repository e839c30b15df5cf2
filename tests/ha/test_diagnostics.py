"""Specify the diagnostics download: useful to debug, free of the meter's identity."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.linky_activity.tic.reading import reading_from_frame

from .helpers import address_of, start_meter, unload
from .meters import PtyMeter, capture_frames, wait_until

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

# A standard three-phase capture that carries both the address and the PRM.
CAPTURE = "standard-tri-tempo-tasmota38.txt"


async def test_diagnostics_show_the_last_frames_without_address_or_prm(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, pty_meter: PtyMeter
) -> None:
    prm = next(
        reading.prm
        for reading in map(reading_from_frame, capture_frames(CAPTURE))
        if reading.prm
    )
    address = address_of(CAPTURE)
    entry, hub = await start_meter(hass, pty_meter, CAPTURE, pty_meter.path)
    await wait_until(lambda: len(hub.recent_frames) >= 3, what="a few frames")

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    dump = json.dumps(diagnostics)
    assert address not in dump
    assert prm not in dump
    assert diagnostics["entry"]["unique_id"] == "**REDACTED**"
    link = diagnostics["link"]
    assert link["detected_mode"] == "standard"
    assert link["frames"] >= 3
    frames = diagnostics["recent_frames"]
    assert 3 <= len(frames) <= 5
    named = [frame["groups"] for frame in frames if "ADSC" in frame["groups"]]
    assert named
    assert all(groups["ADSC"]["value"] == "**REDACTED**" for groups in named)
    assert all(groups["SINSTS"]["value"].isdigit() for groups in named)
    reading = diagnostics["latest_reading"]
    assert reading["meter_address"] == "**REDACTED**"
    assert reading["prm"] == "**REDACTED**"
    assert reading["mode"] == "standard"
    await unload(hass, entry)
