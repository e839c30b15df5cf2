"""Check that the shipped blueprints load and notify through real automations."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.components.blueprint import Blueprint
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.linky_activity.activity_const import (
    EVENT_ARRIVAL,
    EVENT_INACTIVITY_ALERT,
    EVENT_NIGHT_ACTIVITY,
)

from .conftest import BLUEPRINT_SOURCE

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant, ServiceCall

PARIS = ZoneInfo("Europe/Paris")
METER = "meter-device-id"


async def _instantiate(
    hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]
) -> None:
    """Create one automation from a shipped blueprint, as the UI would."""
    await hass.config.async_set_time_zone("Europe/Paris")
    config = {
        AUTOMATION_DOMAIN: {
            "id": blueprint,
            "alias": blueprint,
            "use_blueprint": {
                "path": f"linky_activity/{blueprint}.yaml",
                "input": inputs,
            },
        }
    }
    assert await async_setup_component(hass, AUTOMATION_DOMAIN, config)
    await hass.async_block_till_done()
    state = hass.states.get(f"automation.{blueprint}")
    assert state is not None
    assert state.state == "on"


def _messages(calls: list[ServiceCall]) -> list[str]:
    """Return the message of each notification sent."""
    return [call.data["message"] for call in calls]


async def test_every_shipped_blueprint_loads_in_home_assistant(
    hass: HomeAssistant, installed_blueprints: Path
) -> None:
    assert await async_setup_component(hass, "blueprint", {})
    loaded = await async_get_blueprints(hass).async_get_blueprints()

    shipped = sorted(p.name for p in BLUEPRINT_SOURCE.glob("*.yaml"))
    assert len(shipped) >= 3
    assert sorted(Path(path).name for path in loaded) == shipped
    for path, blueprint in loaded.items():
        assert isinstance(blueprint, Blueprint), f"{path}: {blueprint}"
        assert blueprint.domain == AUTOMATION_DOMAIN
        assert blueprint.validate() is None, path


async def test_inactivity_blueprint_notifies_with_the_since_time(
    hass: HomeAssistant, installed_blueprints: Path
) -> None:
    calls = async_mock_service(hass, "notify", "family")
    await _instantiate(
        hass,
        "inactivity_alert_notify",
        {"meter": METER, "notify_services": ["notify.family"]},
    )

    hass.bus.async_fire(
        EVENT_INACTIVITY_ALERT,
        {
            "device_id": METER,
            "entry_id": "entry",
            "since": "2026-01-08T07:45:00+00:00",
            "minutes": 200,
            "threshold_minutes": 180,
        },
    )
    hass.bus.async_fire(
        EVENT_INACTIVITY_ALERT,
        {"device_id": "another-meter", "since": "2026-01-08T07:45:00+00:00"},
    )
    await hass.async_block_till_done()

    assert _messages(calls) == ["No activity at home since 08:45 (3 h 20 min)."]
    assert calls[0].data["title"] == "Nobody active at home"


async def test_inactivity_blueprint_runs_the_extra_actions(
    hass: HomeAssistant, installed_blueprints: Path
) -> None:
    fired = async_mock_service(hass, "test", "extra")
    await _instantiate(
        hass,
        "inactivity_alert_notify",
        {"meter": METER, "extra_actions": [{"action": "test.extra"}]},
    )

    hass.bus.async_fire(
        EVENT_INACTIVITY_ALERT,
        {"device_id": METER, "since": "2026-01-08T07:45:00+00:00", "minutes": 45},
    )
    await hass.async_block_till_done()

    assert len(fired) == 1


async def test_night_blueprint_notifies_with_power_against_baseline(
    hass: HomeAssistant, installed_blueprints: Path
) -> None:
    calls = async_mock_service(hass, "notify", "family")
    entity_calls = async_mock_service(hass, "notify", "send_message")
    await _instantiate(
        hass,
        "night_activity_notify",
        {
            "meter": METER,
            "notify_services": ["notify.family"],
            "notify_entities": ["notify.anna_phone"],
        },
    )

    hass.bus.async_fire(
        EVENT_NIGHT_ACTIVITY,
        {
            "device_id": METER,
            "since": "2026-01-09T01:10:00+00:00",
            "minutes": 12,
            "power_va": 1480.4,
            "baseline_va": 310.0,
        },
    )
    await hass.async_block_till_done()

    assert _messages(calls) == [
        "Unusual activity at home since 02:10: 1480 VA for 12 min, against 310 VA"
        " on a usual night."
    ]
    assert _messages(entity_calls) == _messages(calls)
    assert entity_calls[0].data["entity_id"] == ["notify.anna_phone"]


async def test_arrival_blueprint_notifies_only_inside_its_window(
    hass: HomeAssistant, installed_blueprints: Path, freezer: FrozenDateTimeFactory
) -> None:
    calls = async_mock_service(hass, "notify", "family")
    await _instantiate(
        hass,
        "arrival_notify",
        {
            "meter": METER,
            "notify_services": ["notify.family"],
            "after": "16:00:00",
            "before": "18:30:00",
            "weekdays": ["thu"],
        },
    )
    arrival = {
        "device_id": METER,
        "at": "2026-01-08T15:52:00+00:00",
        "since": "2026-01-08T07:40:00+00:00",
        "quiet_minutes": 492,
    }

    # Thursday 16:52 in Paris: inside the window.
    freezer.move_to(datetime(2026, 1, 8, 16, 52, tzinfo=PARIS))
    hass.bus.async_fire(EVENT_ARRIVAL, arrival)
    await hass.async_block_till_done()
    # Thursday 19:10: after the window.
    freezer.move_to(datetime(2026, 1, 8, 19, 10, tzinfo=PARIS))
    hass.bus.async_fire(EVENT_ARRIVAL, arrival)
    await hass.async_block_till_done()
    # Friday 17:00: not one of the chosen days.
    freezer.move_to(datetime(2026, 1, 9, 17, 0, tzinfo=PARIS))
    hass.bus.async_fire(EVENT_ARRIVAL, arrival)
    await hass.async_block_till_done()
    # Thursday again, but after a short quiet spell only.
    freezer.move_to(datetime(2026, 1, 15, 17, 0, tzinfo=PARIS))
    hass.bus.async_fire(EVENT_ARRIVAL, {**arrival, "quiet_minutes": 20})
    await hass.async_block_till_done()

    assert _messages(calls) == [
        "Someone arrived home at 16:52, after 8 h 12 min without activity."
    ]


async def test_morning_blueprint_notifies_only_when_nobody_is_up(
    hass: HomeAssistant, installed_blueprints: Path, freezer: FrozenDateTimeFactory
) -> None:
    calls = async_mock_service(hass, "notify", "family")
    freezer.move_to(datetime(2026, 1, 8, 9, 0, tzinfo=PARIS))
    await _instantiate(
        hass,
        "no_morning_activity_notify",
        {
            "last_activity_sensor": "sensor.meter_last_activity",
            "notify_services": ["notify.family"],
            "morning_start": "06:00:00",
            "check_time": "10:00:00",
        },
    )

    # Last seen yesterday evening: nobody up by ten.
    hass.states.async_set(
        "sensor.meter_last_activity",
        "2026-01-07T21:40:00+00:00",
        {"device_class": "timestamp"},
    )
    freezer.move_to(datetime(2026, 1, 8, 10, 0, tzinfo=PARIS))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    # The next day someone made tea at 07:15: no message.
    hass.states.async_set(
        "sensor.meter_last_activity",
        "2026-01-09T06:15:00+00:00",
        {"device_class": "timestamp"},
    )
    freezer.move_to(datetime(2026, 1, 9, 10, 0, tzinfo=PARIS))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert _messages(calls) == [
        "No activity at home yet this morning (last activity: 2026-01-07 22:40)."
    ]
    # Detach the daily time trigger so no timer outlives the test.
    await hass.services.async_call(
        AUTOMATION_DOMAIN,
        "turn_off",
        {"entity_id": "automation.no_morning_activity_notify"},
        blocking=True,
    )
