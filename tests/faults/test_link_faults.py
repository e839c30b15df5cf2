"""Specify how the integration lives through every way a real meter line fails.

Each test breaks a real line (a pseudo-terminal behind a by-id link, or a
loopback TCP bridge) under a running Home Assistant, lets the outage last in
mock time until the reconnect backoff is at its longest, repairs the line,
and times, in real time, how long the entities take to come back.

The dongle honours the rate the integration sets on it (see `uart`): in
auto mode, a line that gave only garbage for a while may be read at the other
rate when the meter is clean again, which is why the garbage faults run once
more with one more failed attempt, so that both rates are tried at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
import pytest

from custom_components.linky_activity import hub as hub_module
from custom_components.linky_activity.const import MODE_HISTORICAL
from custom_components.linky_activity.hub import WATCHDOG_S
from custom_components.linky_activity.tic.frame import TicMode

from .lines import bytes_source, meter
from .noise import gps_receiver, noise
from .scenario import (
    lose_and_recover,
    meter_entry,
    power_available,
    set_up_meter,
    unload,
)
from .watch import (
    assert_no_traceback,
    integration_records,
    let_outage_last,
    report,
    wait_until,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from training.replay_source import CaptureSource

    from .lines import Bridge, Dongle

HISTORICAL = "historical-mono-tempo-pyteleinfo.txt"
STANDARD = "standard-tri-tempo-tasmota38.txt"

# What the line carries instead of the meter, by fault: None is silence.
GARBAGE: dict[str, CaptureSource | None] = {
    "meter silent": None,
    "noise burst": bytes_source(TicMode.HISTORICAL, noise(7, 4096)),
    "a GPS receiver on the port": gps_receiver(),
}


async def test_an_unplugged_dongle_is_read_again_within_10_s_of_being_plugged_in(
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


async def test_a_bridge_that_resets_and_refuses_is_read_again_within_10_s(
    hass: HomeAssistant, bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    entry, _ = await set_up_meter(hass, bridge, bridge.url, STANDARD)

    await lose_and_recover(
        hass,
        entry,
        caplog,
        fault="ser2net host reset, then refusing",
        break_line=bridge.reset,
        repair_line=bridge.start,
    )

    assert "Connect call failed" in caplog.text
    assert bridge.readers == 1
    await unload(hass, entry)


@pytest.mark.parametrize("extra_attempts", [0, 1])
@pytest.mark.parametrize("fault", list(GARBAGE))
async def test_a_line_without_frames_is_read_again_within_10_s_of_the_meter(
    hass: HomeAssistant,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    extra_attempts: int,
) -> None:
    entry, hub = await set_up_meter(hass, dongle, str(dongle.path), HISTORICAL)
    garbage = GARBAGE[fault]
    frames_before = hub.connection.frames

    async def spoil() -> None:
        if garbage is None:
            await dongle.silence()
        else:
            await dongle.play(garbage)

    frames_during: list[int] = []

    async def meter_again() -> None:
        await let_outage_last(hass, hub, extra_attempts, line_sends=garbage is not None)
        frames_during.append(hub.connection.frames - frames_before)
        await dongle.play(meter(HISTORICAL))

    await lose_and_recover(
        hass,
        entry,
        caplog,
        fault=f"{fault} (+{extra_attempts} attempt)",
        break_line=spoil,
        repair_line=meter_again,
        line_sends=garbage is not None,
    )

    # At most the frame in flight when the line went bad gets through.
    assert frames_during[0] <= 1
    await unload(hass, entry)


async def test_a_fixed_mode_line_reads_garbage_from_a_meter_at_the_other_rate(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    entry, _ = await set_up_meter(
        hass, dongle, str(dongle.path), HISTORICAL, mode=MODE_HISTORICAL
    )

    async def switch_to_standard() -> None:
        await dongle.play(meter(STANDARD))

    async def switch_back() -> None:
        assert dongle.read_rate() == 1200
        await dongle.play(meter(HISTORICAL))

    await lose_and_recover(
        hass,
        entry,
        caplog,
        fault="fixed historical mode, meter at 9600 baud",
        break_line=switch_to_standard,
        repair_line=switch_back,
        line_sends=True,
    )
    assert "data but no valid frame" in caplog.text
    await unload(hass, entry)


async def test_auto_mode_follows_a_meter_switched_to_standard_before_the_watchdog(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    entry, hub = await set_up_meter(hass, dongle, str(dongle.path), HISTORICAL)
    caplog.clear()

    await dongle.play(meter(STANDARD))
    switch_s = await wait_until(
        lambda: hub.mode is TicMode.STANDARD and hub.available,
        within=WATCHDOG_S,
        what="reading the standard mode",
    )

    report(
        f"meter switched to standard mode in auto mode: read again after "
        f"{switch_s:.2f} s of real time, rate {dongle.read_rate()} baud"
    )
    assert power_available(hass, entry)
    assert dongle.read_rate() == 9600
    assert integration_records(caplog) == []
    assert_no_traceback(caplog)
    await unload(hass, entry)


async def test_setting_up_on_a_port_that_is_no_meter_is_retried_saying_why(
    hass: HomeAssistant,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Production waits 30 s for a first reading; what it says does not depend
    # on how long it waits, as long as both rates get tried.
    monkeypatch.setattr(hub_module, "FIRST_READING_TIMEOUT_S", 7.0)
    await dongle.play(gps_receiver())
    entry = meter_entry(HISTORICAL, str(dongle.path))
    entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(entry.entry_id)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "data but no valid frame" in str(entry.reason)
    assert {1200, 9600} <= dongle.rates_read
    assert integration_records(caplog) == []
    assert_no_traceback(caplog)
