"""Check the events automations get: inactivity alert, activity again, arrival."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.linky_activity.activity_const import (
    CONF_INACTIVITY_THRESHOLD,
    EVENT_ARRIVAL,
    EVENT_INACTIVITY_ALERT,
    EVENT_INACTIVITY_CLEARED,
    EVENT_NIGHT_ACTIVITY,
)

from .live_meter import meter_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .live_meter import Replay


# Thursday 8 January 2026, 09:00 in Paris: inside the default day window.
START_S = datetime(2026, 1, 8, 8, 0, tzinfo=UTC).timestamp()
QUIET_VA = 180.0
THRESHOLD_MIN = 45


async def test_quiet_morning_raises_the_alert_then_activity_clears_it_and_arrives(
    hass: HomeAssistant, replay: Replay
) -> None:
    await hass.config.async_set_time_zone("Europe/Paris")
    entry = meter_entry(replay.link.path, **{CONF_INACTIVITY_THRESHOLD: THRESHOLD_MIN})
    alerts = async_capture_events(hass, EVENT_INACTIVITY_ALERT)
    cleared = async_capture_events(hass, EVENT_INACTIVITY_CLEARED)
    arrivals = async_capture_events(hass, EVENT_ARRIVAL)
    nights = async_capture_events(hass, EVENT_NIGHT_ACTIVITY)
    hub = await replay.start(entry, START_S, QUIET_VA)

    moment = await replay.hold(hub, START_S, 10, QUIET_VA)
    first_end = await replay.burst(hub, moment)
    second_start = await replay.hold(hub, first_end, 130, QUIET_VA)
    second_end = await replay.burst(hub, second_start)
    await hass.async_block_till_done()

    device = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)[0]
    [alert] = alerts
    assert alert.data["device_id"] == device.id
    assert alert.data["entry_id"] == entry.entry_id
    assert alert.data["threshold_minutes"] == THRESHOLD_MIN
    assert alert.data["threshold_learned"] is False
    assert alert.data["minutes"] == THRESHOLD_MIN
    since = datetime.fromisoformat(alert.data["since"])
    assert abs(since.timestamp() - first_end) <= 5 * 60
    alerted_at = datetime.fromisoformat(alert.data["at"])
    assert (alerted_at - since).total_seconds() == THRESHOLD_MIN * 60

    [back] = cleared
    [arrival] = arrivals
    assert back.data["since"] == alert.data["since"] == arrival.data["since"]
    assert arrival.data["device_id"] == device.id
    assert 125 <= arrival.data["quiet_minutes"] <= 145
    arrived_at = datetime.fromisoformat(arrival.data["at"])
    assert second_start <= arrived_at.timestamp() <= second_end
    assert nights == []
