"""Check the activity entities a configured meter gets, and how they behave."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
)
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.const import DOMAIN

from .live_meter import meter_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.linky_activity.hub import LinkyHub

    from .live_meter import Replay


# Thursday 8 January 2026, 09:00 in Paris.
START_S = datetime(2026, 1, 8, 8, 0, tzinfo=UTC).timestamp()
QUIET_VA = 180.0


def _registry_entries(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dict[str, er.RegistryEntry]:
    """Return the entry's registry entries by translation key."""
    registry = er.async_get(hass)
    return {
        e.translation_key: e
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.translation_key is not None
    }


async def _after_quiet_start(
    hass: HomeAssistant, replay: Replay
) -> tuple[MockConfigEntry, LinkyHub, dict[str, str], float]:
    """Start a meter, hold 20 quiet minutes; return entry, hub, entity ids, end."""
    entry = meter_entry(replay.link.path)
    hub = await replay.start(entry, START_S, QUIET_VA)
    ids = {key: e.entity_id for key, e in _registry_entries(hass, entry).items()}
    moment = await replay.hold(hub, START_S, 20, QUIET_VA)
    return entry, hub, ids, moment


async def test_meter_device_carries_every_activity_entity_with_its_kind(
    hass: HomeAssistant, replay: Replay
) -> None:
    entry = meter_entry(replay.link.path)
    await replay.start(entry, START_S, QUIET_VA)

    found = _registry_entries(hass, entry)
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, str(entry.unique_id)), entry.entry_id
    )
    assert device is not None
    expected = {
        "activity": ("binary_sensor", BinarySensorDeviceClass.OCCUPANCY, None),
        "night_activity": ("binary_sensor", None, None),
        "inactivity_alert": ("binary_sensor", BinarySensorDeviceClass.PROBLEM, None),
        "activity_probability": ("sensor", None, None),
        "last_activity": ("sensor", SensorDeviceClass.TIMESTAMP, None),
        "inactive_for": ("sensor", SensorDeviceClass.DURATION, None),
        "night_baseline": ("sensor", SensorDeviceClass.APPARENT_POWER, None),
        "learning_progress": ("sensor", None, EntityCategory.DIAGNOSTIC),
    }
    for key, (domain, device_class, category) in expected.items():
        registry_entry = found[key]
        assert registry_entry.domain == domain, key
        assert registry_entry.device_id == device.id, key
        assert registry_entry.original_device_class == device_class, key
        assert registry_entry.entity_category == category, key
    states = {key: hass.states.get(found[key].entity_id) for key in expected}
    assert states["activity"].attributes["friendly_name"].endswith("Activity detected")
    assert states["inactive_for"].attributes["friendly_name"].endswith("Inactive for")
    assert states["inactive_for"].attributes["unit_of_measurement"] == "min"
    assert states["inactive_for"].attributes["state_class"] == (
        SensorStateClass.MEASUREMENT
    )
    assert states["night_baseline"].attributes["unit_of_measurement"] == "VA"
    assert states["learning_progress"].attributes["unit_of_measurement"] == "%"
    assert states["activity"].state == STATE_UNKNOWN
    assert states["night_baseline"].state == STATE_UNKNOWN


async def test_real_morning_turns_activity_on_and_quiet_time_counts_from_its_end(
    hass: HomeAssistant, replay: Replay
) -> None:
    await hass.config.async_set_time_zone("Europe/Paris")
    entry, hub, ids, moment = await _after_quiet_start(hass, replay)
    assert hass.states.get(ids["activity"]).state == STATE_OFF
    changes = async_capture_events(hass, EVENT_STATE_CHANGED)
    moment = await replay.burst(hub, moment)
    shown = [
        event.data["new_state"].state
        for event in changes
        if event.data["entity_id"] == ids["activity"]
    ]
    assert STATE_ON in shown
    moment = await replay.hold(hub, moment, 30, QUIET_VA)

    assert hass.states.get(ids["activity"]).state == STATE_OFF
    last = datetime.fromisoformat(hass.states.get(ids["last_activity"]).state)
    assert last == activity_runtime(hass, entry).last_activity
    assert START_S + 20 * 60 < last.timestamp() < moment - 15 * 60
    inactive = int(hass.states.get(ids["inactive_for"]).state)
    assert inactive == int((moment - last.timestamp()) // 60)


async def test_inactive_for_keeps_counting_each_minute_while_the_meter_is_silent(
    hass: HomeAssistant, replay: Replay
) -> None:
    _, hub, ids, moment = await _after_quiet_start(hass, replay)
    moment = await replay.burst(hub, moment)
    moment = await replay.hold(hub, moment, 15, QUIET_VA)
    before = int(hass.states.get(ids["inactive_for"]).state)

    for minute in range(1, 11):
        replay.freezer.move_to(datetime.fromtimestamp(moment + minute * 60.0, UTC))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert int(hass.states.get(ids["inactive_for"]).state) == before + minute

    assert hass.states.get(ids["activity"]).state == STATE_UNAVAILABLE
    assert hass.states.get(ids["last_activity"]).state != STATE_UNAVAILABLE


async def test_alert_quiet_since_is_empty_while_active_and_fixed_while_quiet(
    hass: HomeAssistant, replay: Replay
) -> None:
    _, hub, ids, moment = await _after_quiet_start(hass, replay)
    changes = async_capture_events(hass, EVENT_STATE_CHANGED)
    moment = await replay.burst(hub, moment)
    moment = await replay.hold(hub, moment, 30, QUIET_VA)

    active = False
    minutes_on = 0
    quiet_since: list[object] = []
    for event in changes:
        new_state = event.data["new_state"]
        if event.data["entity_id"] == ids["activity"]:
            active = new_state.state == STATE_ON
            minutes_on += active
        elif event.data["entity_id"] == ids["inactivity_alert"]:
            since = new_state.attributes["since"]
            assert since is None if active else since is not None
            quiet_since.append(since)
    assert minutes_on >= 1
    assert hass.states.get(ids["activity"]).state == STATE_OFF
    last = datetime.fromisoformat(hass.states.get(ids["last_activity"]).state)
    # Thirty quiet minutes end the test, yet the alert sensor wrote once for
    # each start or end of activity, not once a minute.
    assert quiet_since[-1] == last.isoformat()
    assert len(quiet_since) <= 2 * minutes_on
    assert quiet_since.count(quiet_since[-1]) == 1
