"""Specify that a meter's address and PRM are found nowhere in clear.

The meter address (ADCO/ADSC) and the PRM name a household. Home Assistant
keeps states, registries, config entries and stored state in backups, and
users paste diagnostics and logs into bug reports: each is searched, for
real captures of both modes, for the capture's own address and PRM.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from typing import TYPE_CHECKING, Any

from faults.lines import capture_frames, identity_of, meter
from faults.scenario import set_up_meter, unload
from faults.watch import fire_after, wait_until
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.linky_activity.const import DOMAIN
from custom_components.linky_activity.identity import meter_unique_id

if TYPE_CHECKING:
    from faults.lines import Dongle
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import (
        ClientSessionGenerator,
        WebSocketGenerator,
    )

CAPTURES = (
    "historical-mono-tempo-pyteleinfo.txt",
    "historical-tri-base-lains.txt",
    "standard-tri-tempo-tasmota38.txt",
    "standard-mono-prod-corrupt-teleinfo2mqtt.txt",
)


def _text(value: Any) -> str:
    """Render anything as the text a backup or a bug report would hold."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.dumps(value, default=repr, sort_keys=True)


async def _run_meter(hass: HomeAssistant, dongle: Dongle, capture_name: str) -> Any:
    """Set a capture's meter up and let every frame of it through twice."""
    entry, hub = await set_up_meter(hass, dongle, str(dongle.path), capture_name)
    await dongle.play(meter(capture_name), speed=40)
    frames = hub.connection.frames + 2 * len(capture_frames(capture_name))
    await wait_until(lambda: hub.connection.frames >= frames, 10, "frames")
    await fire_after(hass, hub.publish_interval_s)
    return entry


@pytest.mark.parametrize("capture_name", CAPTURES)
async def test_no_address_or_prm_in_states_registries_diagnostics_or_storage(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    dongle: Dongle,
    capture_name: str,
) -> None:
    address, prm = identity_of(capture_name)
    entry = await _run_meter(hass, dongle, capture_name)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    # Let the registries' and stores' delayed writes reach the storage.
    await fire_after(hass, 600)

    places = {
        "diagnostics": _text(diagnostics),
        "states": _text([state.as_dict() for state in hass.states.async_all()]),
        "entity registry": _text(
            [
                registry_entry.as_partial_dict
                for registry_entry in er.async_entries_for_config_entry(
                    er.async_get(hass), entry.entry_id
                )
            ]
        ),
        "device registry": _text(
            [
                device.dict_repr
                for device in dr.async_entries_for_config_entry(
                    dr.async_get(hass), entry.entry_id
                )
            ]
        ),
        "config entry": _text(entry.as_dict()),
        "storage": _text(hass_storage),
    }

    assert entry.unique_id == meter_unique_id(address)
    assert any(key.startswith(("core.entity", "core.device")) for key in hass_storage)
    for place, text in places.items():
        assert address not in text, f"meter address in clear in the {place}"
        if prm is not None:
            assert prm not in text, f"PRM in clear in the {place}"
    await unload(hass, entry)


async def test_debug_logging_turned_on_from_the_ui_logs_no_address_or_prm(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    capture_name = "standard-tri-tempo-tasmota38.txt"
    address, prm = identity_of(capture_name)
    assert prm is not None
    assert await async_setup_component(hass, "logger", {})
    client = await hass_ws_client(hass)
    # What the "Enable debug logging" button of the integration's page sends.
    await client.send_json_auto_id(
        {
            "type": "logger/integration_log_level",
            "integration": DOMAIN,
            "level": "DEBUG",
            "persistence": "none",
        }
    )
    assert (await client.receive_json())["success"]
    await asyncio.sleep(0)

    entry = await _run_meter(hass, dongle, capture_name)
    turned_on = {
        name
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and logger.level == logging.DEBUG
    }

    logged = [
        record
        for record in caplog.records
        if any(
            record.name == name or record.name.startswith(f"{name}.")
            for name in turned_on
        )
    ]
    assert any(
        record.name.startswith("custom_components.linky_activity") for record in logged
    )
    for record in logged:
        text = record.getMessage()
        assert address not in text, f"{record.name} logged the meter address: {text}"
        assert prm not in text, f"{record.name} logged the PRM: {text}"
    await unload(hass, entry)
