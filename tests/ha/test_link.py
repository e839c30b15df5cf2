"""Specify how the integration lives through a lost and recovered meter link."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE

from custom_components.linky_activity import hub as hub_module
from custom_components.linky_activity.const import MODE_HISTORICAL

from .helpers import fire_after, meter_entry, publish_tick, start_meter, state, unload
from .meters import PtyMeter, TcpMeter, capture, wait_until

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest

HISTORICAL = "historical-mono-tempo-pyteleinfo.txt"
STANDARD = "standard-tri-tempo-tasmota38.txt"


def link_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the integration's log records at info level and above."""
    return [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.linky_activity")
        and record.levelno >= logging.INFO
    ]


async def test_a_silent_meter_goes_unavailable_once_then_comes_back_once(
    hass: HomeAssistant, pty_meter: PtyMeter, caplog: pytest.LogCaptureFixture
) -> None:
    entry, hub = await start_meter(hass, pty_meter, HISTORICAL, pty_meter.path)
    await publish_tick(hass, hub)
    assert state(hass, entry, "sensor", "apparent_power").state != STATE_UNAVAILABLE
    caplog.clear()

    await pty_meter.stop_and_drain()
    await fire_after(hass, hub_module.WATCHDOG_S + 1)

    assert state(hass, entry, "sensor", "apparent_power").state == STATE_UNAVAILABLE
    assert state(hass, entry, "binary_sensor", "overload").state == STATE_UNAVAILABLE
    # The link's own health stays visible while the meter is silent.
    assert state(hass, entry, "sensor", "frames_per_second").state != STATE_UNAVAILABLE
    await fire_after(hass, hub_module.WATCHDOG_S + 1)

    pty_meter.play(capture(HISTORICAL))
    await wait_until(lambda: hub.available, what="meter back")
    await publish_tick(hass, hub)

    assert state(hass, entry, "sensor", "apparent_power").state != STATE_UNAVAILABLE
    records = link_records(caplog)
    assert [record.levelno for record in records] == [logging.INFO, logging.INFO]
    assert "lost" in records[0].getMessage()
    assert "back" in records[1].getMessage()
    assert not any(record.exc_info for record in caplog.records)
    await unload(hass, entry)


async def test_a_bridge_that_goes_away_is_reconnected_without_tracebacks(
    hass: HomeAssistant, tcp_meter: TcpMeter, caplog: pytest.LogCaptureFixture
) -> None:
    entry, hub = await start_meter(hass, tcp_meter, STANDARD, tcp_meter.url)
    caplog.clear()

    await tcp_meter.shut_down()
    await wait_until(lambda: hub.connection.open_attempts >= 4, what="retries")
    await fire_after(hass, hub_module.WATCHDOG_S + 1)
    assert state(hass, entry, "sensor", "apparent_power").state == STATE_UNAVAILABLE
    assert "cannot be opened" in (hub.connection.last_problem or "")

    await tcp_meter.start()
    tcp_meter.play(capture(STANDARD))
    await wait_until(lambda: hub.available, within=10, what="bridge back")
    await publish_tick(hass, hub)

    assert state(hass, entry, "sensor", "apparent_power").state != STATE_UNAVAILABLE
    records = link_records(caplog)
    assert [record.levelno for record in records] == [logging.INFO, logging.INFO]
    assert not any(record.exc_info for record in caplog.records)
    await unload(hass, entry)


async def test_setup_is_retried_later_when_no_frame_comes(
    hass: HomeAssistant, pty_meter: PtyMeter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "FIRST_READING_TIMEOUT_S", 0.5)
    entry = meter_entry(HISTORICAL, pty_meter.path)
    entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(entry.entry_id)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "no data" in str(entry.reason)
    # The port was closed again, so the retry can open it.
    assert pty_meter.open_count() == 1


async def test_a_fixed_mode_that_does_not_match_the_meter_is_retried_later(
    hass: HomeAssistant, pty_meter: PtyMeter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "FIRST_READING_TIMEOUT_S", 0.5)
    pty_meter.play(capture(STANDARD))
    entry = meter_entry(STANDARD, pty_meter.path, mode=MODE_HISTORICAL)
    entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(entry.entry_id)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "data but no valid frame" in str(entry.reason)


async def test_unloading_closes_the_port(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await start_meter(hass, pty_meter, HISTORICAL, pty_meter.path)
    assert pty_meter.open_count() == 2

    await unload(hass, entry)

    assert entry.state is ConfigEntryState.NOT_LOADED
    assert pty_meter.open_count() == 1
    assert not hub.connection.is_open
