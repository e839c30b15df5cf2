"""Specify what entities write at each publish interval: means, indexes, states."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.linky_activity.const import CONF_PUBLISH_INTERVAL
from custom_components.linky_activity.tic.encoder import encode_frame
from custom_components.linky_activity.tic.frame import Group

from .helpers import (
    fire_after,
    go_quiet,
    publish_tick,
    send_frame,
    start_meter,
    state,
    unload,
)
from .meters import PtyMeter, frame_bytes, fullest_frame, wait_until, with_values

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.linky_activity.hub import LinkyHub

OFF_PEAK = "historical-mono-hc-wifinfo.txt"
FRAME = fullest_frame(OFF_PEAK)
START_WH = int(FRAME.groups["HCHC"].value)


def off_peak(papp: int, hchc: int, iinst: int = 8) -> bytes:
    """Build the captured off-peak frame with other power, index and current."""
    return with_values(
        FRAME, PAPP=f"{papp:05d}", HCHC=f"{hchc:09d}", IINST=f"{iinst:03d}"
    )


async def running_meter(
    hass: HomeAssistant, meter: PtyMeter, **options: int
) -> tuple[MockConfigEntry, LinkyHub]:
    """Set the off-peak meter up, let its first interval pass, and go quiet."""
    entry, hub = await start_meter(
        hass, meter, OFF_PEAK, meter.path, data=frame_bytes(FRAME), **options
    )
    await wait_until(lambda: hub.connection.phases is not None, what="phases known")
    await go_quiet(meter, hub)
    await publish_tick(hass, hub)
    return entry, hub


async def test_power_and_current_are_averaged_over_the_interval(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await running_meter(hass, pty_meter)

    for papp, iinst in ((1000, 4), (2000, 9), (3000, 10), (4500, 20)):
        await send_frame(pty_meter, hub, off_peak(papp, START_WH, iinst))
    await publish_tick(hass, hub)

    assert state(hass, entry, "sensor", "apparent_power").state == "2625"
    assert state(hass, entry, "sensor", "current").state == "10.8"
    await unload(hass, entry)


async def test_states_are_written_only_at_the_publish_tick(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await running_meter(hass, pty_meter)
    before = state(hass, entry, "sensor", "apparent_power")

    await send_frame(pty_meter, hub, off_peak(5000, START_WH + 10))

    assert state(hass, entry, "sensor", "apparent_power") == before
    await publish_tick(hass, hub)
    assert state(hass, entry, "sensor", "apparent_power").state == "5000"
    await unload(hass, entry)


async def test_the_publish_interval_option_spaces_the_writes(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await running_meter(hass, pty_meter, **{CONF_PUBLISH_INTERVAL: 20})
    assert hub.publish_interval_s == 20

    await send_frame(pty_meter, hub, off_peak(700, START_WH + 10))
    await fire_after(hass, 10)
    assert state(hass, entry, "sensor", "apparent_power").state != "700"
    await fire_after(hass, 20)
    assert state(hass, entry, "sensor", "apparent_power").state == "700"
    await unload(hass, entry)


async def test_an_index_never_goes_back_never_drops_to_zero_never_leaps(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await running_meter(hass, pty_meter)

    def index_wh() -> int:
        return round(float(state(hass, entry, "sensor", "index_hchc").state) * 1000)

    assert index_wh() == START_WH
    await send_frame(pty_meter, hub, off_peak(1890, START_WH + 40))
    await publish_tick(hass, hub)
    assert index_wh() == START_WH + 40

    # Each of these passes its checksum but cannot be a real index.
    for wrong in (START_WH + 20, 0, START_WH + 50_000_000):
        await send_frame(pty_meter, hub, off_peak(1890, wrong))
        await publish_tick(hass, hub)
        assert index_wh() == START_WH + 40, wrong

    await send_frame(pty_meter, hub, off_peak(1890, START_WH + 45))
    await publish_tick(hass, hub)
    assert index_wh() == START_WH + 45
    await unload(hass, entry)


async def test_the_tariff_period_keeps_the_last_value_the_meter_sent(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await running_meter(hass, pty_meter)
    assert state(hass, entry, "sensor", "tariff_period").state == "peak"

    await send_frame(pty_meter, hub, with_values(FRAME, PTEC="HC.."))
    await send_frame(pty_meter, hub, with_values(FRAME, PTEC="HP.."))
    await send_frame(pty_meter, hub, with_values(FRAME, PTEC="HC.."))
    await publish_tick(hass, hub)

    assert state(hass, entry, "sensor", "tariff_period").state == "off_peak"
    await unload(hass, entry)


async def test_a_short_overload_between_two_writes_still_raises_the_warning(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await running_meter(hass, pty_meter)
    assert state(hass, entry, "binary_sensor", "overload").state == "off"
    # A single-phase historical meter adds ADPS to its frames during an overrun.
    overrun = encode_frame([*FRAME.groups.values(), Group("ADPS", "045")], FRAME.mode)

    await send_frame(pty_meter, hub, overrun)
    await send_frame(pty_meter, hub, frame_bytes(FRAME))
    await publish_tick(hass, hub)
    assert state(hass, entry, "binary_sensor", "overload").state == "on"

    await send_frame(pty_meter, hub, frame_bytes(FRAME))
    await publish_tick(hass, hub)
    assert state(hass, entry, "binary_sensor", "overload").state == "off"
    await unload(hass, entry)
