"""Check that the activity events appear as device triggers of the meter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
    async_mock_service,
)

from custom_components.linky_activity.activity_const import (
    EVENT_ARRIVAL,
    EVENT_INACTIVITY_ALERT,
)
from custom_components.linky_activity.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


async def _meter_device(hass: HomeAssistant) -> dr.DeviceEntry:
    """Register a meter device the way a configured entry owns one."""
    entry = MockConfigEntry(domain=DOMAIN, data={"port": "socket://127.0.0.1:1"})
    entry.add_to_hass(hass)
    return dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "meter-hash")}
    )


async def test_meter_device_offers_the_activity_triggers(
    hass: HomeAssistant,
) -> None:
    device = await _meter_device(hass)

    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, device.id
    )

    assert sorted(t["type"] for t in triggers if t["domain"] == DOMAIN) == [
        "arrival",
        "inactivity_alert",
        "inactivity_cleared",
        "night_activity",
    ]


async def test_device_trigger_fires_on_its_event_from_its_device_only(
    hass: HomeAssistant,
) -> None:
    device = await _meter_device(hass)
    calls = async_mock_service(hass, "test", "alerted")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": {
                    "trigger": "device",
                    "domain": DOMAIN,
                    "device_id": device.id,
                    "type": "inactivity_alert",
                },
                "actions": {
                    "action": "test.alerted",
                    "data": {"minutes": "{{ trigger.event.data.minutes }}"},
                },
            }
        },
    )

    hass.bus.async_fire(EVENT_INACTIVITY_ALERT, {"device_id": device.id, "minutes": 95})
    hass.bus.async_fire(EVENT_INACTIVITY_ALERT, {"device_id": "other", "minutes": 5})
    hass.bus.async_fire(EVENT_ARRIVAL, {"device_id": device.id})
    await hass.async_block_till_done()

    assert [call.data["minutes"] for call in calls] == [95]
