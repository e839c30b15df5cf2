"""Specify the entities a meter gets, from real captures streamed as a live meter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.linky_activity.const import DOMAIN

from .helpers import (
    go_quiet,
    keys,
    publish_tick,
    send_frame,
    start_meter,
    state,
    unload,
)
from .meters import (
    PtyMeter,
    TcpMeter,
    frame_bytes,
    fullest_frame,
    wait_until,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

CONTRACTS = {
    "historical_base": "historical-mono-base-enedistic2ws.txt",
    "historical_off_peak": "historical-mono-hc-wifinfo.txt",
    "historical_tempo": "historical-mono-tempo-pyteleinfo.txt",
    "historical_three_phase": "historical-tri-base-nextdom24.txt",
    "standard_single_phase": "standard-mono-hc-goteleinfo.txt",
    "standard_producer": "standard-mono-prod-corrupt-teleinfo2mqtt.txt",
    "standard_three_phase_tempo": "standard-tri-tempo-tasmota38.txt",
}


async def set_up_on_frame(
    hass: HomeAssistant, meter: PtyMeter, capture_name: str
) -> tuple[MockConfigEntry, bytes]:
    """Set a meter up on the fullest frame of a capture and publish it alone.

    The frame is played in a loop until set-up is done, then the first
    interval is closed and the frame is sent exactly once more, so that
    every state comes from that frame only.
    """
    data = frame_bytes(fullest_frame(capture_name))
    entry, hub = await start_meter(hass, meter, capture_name, meter.path, data=data)
    await wait_until(lambda: hub.connection.phases is not None, what="phases known")
    await go_quiet(meter, hub)
    await publish_tick(hass, hub)
    await send_frame(meter, hub, data)
    await publish_tick(hass, hub)
    return entry, data


@pytest.mark.parametrize("contract", CONTRACTS)
async def test_entities_of_each_contract_match_the_snapshot(
    hass: HomeAssistant,
    pty_meter: PtyMeter,
    snapshot: SnapshotAssertion,
    contract: str,
) -> None:
    entry, _ = await set_up_on_frame(hass, pty_meter, CONTRACTS[contract])

    entity_registry = er.async_get(hass)
    registry_entries = sorted(
        er.async_entries_for_config_entry(entity_registry, entry.entry_id),
        key=lambda registry_entry: registry_entry.unique_id,
    )
    for registry_entry in registry_entries:
        assert registry_entry == snapshot(name=f"{registry_entry.unique_id}-entry")
        assert hass.states.get(registry_entry.entity_id) == snapshot(
            name=f"{registry_entry.unique_id}-state"
        )
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device == snapshot(name="device")
    await unload(hass, entry)


async def test_three_phase_meters_get_per_phase_sensors_and_single_phase_do_not(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, _ = await set_up_on_frame(
        hass, pty_meter, CONTRACTS["historical_three_phase"]
    )
    three_phase = keys(hass, entry, "sensor")
    await unload(hass, entry)
    pty_meter.close()

    single = PtyMeter()
    try:
        entry, _ = await set_up_on_frame(hass, single, CONTRACTS["historical_base"])
        single_phase = keys(hass, entry, "sensor")
        await unload(hass, entry)
    finally:
        single.close()

    assert {"current_phase_1", "current_phase_2", "current_phase_3"} <= three_phase
    assert "current" not in three_phase
    assert "current" in single_phase
    assert not any("_phase_" in key for key in single_phase)


async def test_each_tariff_index_is_an_energy_dashboard_sensor_in_wh(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, _ = await set_up_on_frame(hass, pty_meter, CONTRACTS["historical_tempo"])

    index_keys = {
        key for key in keys(hass, entry, "sensor") if key.startswith("index_")
    }
    assert index_keys == {
        "index_bbrhcjb",
        "index_bbrhpjb",
        "index_bbrhcjw",
        "index_bbrhpjw",
        "index_bbrhcjr",
        "index_bbrhpjr",
    }
    frame = fullest_frame(CONTRACTS["historical_tempo"])
    for key in index_keys:
        index = state(hass, entry, "sensor", key)
        attributes = index.attributes
        assert attributes["device_class"] == SensorDeviceClass.ENERGY
        assert attributes["state_class"] == SensorStateClass.TOTAL_INCREASING
        assert attributes["unit_of_measurement"] == "kWh"
        label = key.removeprefix("index_").upper()
        assert float(index.state) == int(frame.groups[label].value) / 1000
    await unload(hass, entry)


async def test_unused_standard_indexes_are_created_disabled(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, _ = await set_up_on_frame(
        hass, pty_meter, CONTRACTS["standard_single_phase"]
    )
    entity_registry = er.async_get(hass)

    def disabled(key: str) -> bool:
        entity = entity_registry.async_get_entity_id(
            "sensor", DOMAIN, f"{entry.unique_id}_{key}"
        )
        assert entity is not None
        registry_entry = entity_registry.async_get(entity)
        assert registry_entry is not None
        return registry_entry.disabled

    # EASF01-03 count energy on this contract; EASF04-10 stay at zero.
    assert not any(disabled(f"index_easf{n:02d}") for n in (1, 2, 3))
    assert all(disabled(f"index_easf{n:02d}") for n in range(4, 11))
    await unload(hass, entry)


async def test_a_meter_behind_a_network_bridge_gives_live_sensors(
    hass: HomeAssistant, tcp_meter: TcpMeter
) -> None:
    capture_name = CONTRACTS["standard_three_phase_tempo"]

    entry, hub = await start_meter(hass, tcp_meter, capture_name, tcp_meter.url)
    await wait_until(lambda: hub.connection.phases == 3, what="three phases seen")
    await publish_tick(hass, hub)

    frame = fullest_frame(capture_name)
    power = state(hass, entry, "sensor", "apparent_power")
    assert power.attributes["unit_of_measurement"] == "VA"
    assert float(power.state) == int(frame.groups["SINSTS"].value)
    assert state(hass, entry, "sensor", "tariff_period").state == "off_peak"
    assert state(hass, entry, "sensor", "voltage_phase_2").state != STATE_UNAVAILABLE
    assert tcp_meter.clients == 1
    await unload(hass, entry)


async def test_a_producer_gets_injection_sensors(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, _ = await set_up_on_frame(hass, pty_meter, CONTRACTS["standard_producer"])

    frame = fullest_frame(CONTRACTS["standard_producer"])
    injected = state(hass, entry, "sensor", "injected_apparent_power")
    assert float(injected.state) == int(frame.groups["SINSTI"].value)
    assert "index_eait" in keys(hass, entry, "sensor")
    await unload(hass, entry)
