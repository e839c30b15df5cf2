"""Set a meter entry up, find its entities, and let its publish interval pass."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_PORT
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.linky_activity.const import CONF_MODE, DOMAIN, MODE_AUTO
from custom_components.linky_activity.identity import meter_unique_id
from custom_components.linky_activity.tic.reading import reading_from_frame

from .meters import Meter, capture, capture_frames, wait_until

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, State

    from custom_components.linky_activity.hub import LinkyHub


def address_of(capture_name: str) -> str:
    """Return the meter address a capture's frames carry."""
    for frame in capture_frames(capture_name):
        address = reading_from_frame(frame).meter_address
        if address is not None:
            return address
    raise AssertionError(f"{capture_name} names no meter")


def meter_entry(
    capture_name: str, port: str, mode: str = MODE_AUTO, **options: Any
) -> MockConfigEntry:
    """Build the config entry the flow would create for a capture's meter."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Linky",
        unique_id=meter_unique_id(address_of(capture_name)),
        data={CONF_PORT: port, CONF_MODE: mode},
        options=options,
    )


async def unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload an entry so its port and timers are released before teardown."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def start_meter(
    hass: HomeAssistant,
    meter: Meter,
    capture_name: str,
    port: str,
    *,
    data: bytes | None = None,
    mode: str = MODE_AUTO,
    **options: Any,
) -> tuple[MockConfigEntry, LinkyHub]:
    """Play a capture (or other bytes) on a meter and set the integration up on it."""
    meter.play(capture(capture_name) if data is None else data)
    entry = meter_entry(capture_name, port, mode, **options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry, entry.runtime_data


def entity_id(
    hass: HomeAssistant, entry: MockConfigEntry, platform: str, key: str
) -> str:
    """Return the entity id of one of the meter's entities, by its key."""
    found = er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"{entry.unique_id}_{key}"
    )
    assert found is not None, f"no {platform} entity {key}"
    return found


def state(
    hass: HomeAssistant, entry: MockConfigEntry, platform: str, key: str
) -> State:
    """Return the current state of one of the meter's entities."""
    found = hass.states.get(entity_id(hass, entry, platform, key))
    assert found is not None
    return found


def keys(hass: HomeAssistant, entry: MockConfigEntry, platform: str) -> set[str]:
    """Return the keys of the meter's entities on one platform."""
    prefix = f"{entry.unique_id}_"
    return {
        registry_entry.unique_id.removeprefix(prefix)
        for registry_entry in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if registry_entry.domain == platform
    }


async def fire_after(hass: HomeAssistant, seconds: float) -> None:
    """Let `seconds` pass for every timer of Home Assistant and of the event loop."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done()


async def publish_tick(hass: HomeAssistant, hub: LinkyHub) -> None:
    """Let one publish interval pass."""
    await fire_after(hass, hub.publish_interval_s)


async def go_quiet(meter: Meter, hub: LinkyHub) -> None:
    """Stop the meter after a whole pass and wait until its last bytes are read."""
    await meter.finish_pass()
    while True:
        before = hub.connection.bytes_received
        await asyncio.sleep(0.05)
        if hub.connection.bytes_received == before:
            return


async def send_frame(meter: Meter, hub: LinkyHub, data: bytes) -> None:
    """Send one frame and wait until the hub has taken it."""
    frames = hub.connection.frames
    await meter.write(data)
    await wait_until(lambda: hub.connection.frames > frames, what="frame taken")
