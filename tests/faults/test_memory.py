"""Specify that faults leave nothing behind: no memory, descriptor or task grows."""

from __future__ import annotations

import asyncio
from collections import Counter
import gc
import logging
import os
import tracemalloc
from typing import TYPE_CHECKING

from _pytest.logging import LogCaptureHandler

from custom_components.linky_activity.const import MODE_HISTORICAL
from custom_components.linky_activity.tic.frame import TicMode

from .lines import bytes_source, capture_frames, meter
from .noise import noise
from .scenario import power_available, set_up_meter, unload
from .watch import let_outage_last, report, wait_until

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.linky_activity.hub import LinkyHub

    from .lines import Bridge, Dongle

HISTORICAL = "historical-mono-tempo-pyteleinfo.txt"
STANDARD = "standard-tri-tempo-tasmota38.txt"
FRAMES = {name: len(capture_frames(name)) for name in (HISTORICAL, STANDARD)}
# Faster than a meter: this is about memory, not pace.
PLAY_SPEED = 20.0
WARM_UP_CYCLES = 2
MEASURED_CYCLES = 6
# What the integration and serialx may hold more after the measured cycles,
# in bytes: the line open then has checked other lines than the one open
# before, and CPython keeps a little for the objects it has made (its typing
# and free-list caches); a leaked decoder would add kilobytes every cycle.
TOLERANCE_B = 24 * 1024
OWN_MODULES = ("custom_components.linky_activity", "serialx")
TRACED = (
    tracemalloc.Filter(True, "*/custom_components/linky_activity/*"),
    tracemalloc.Filter(True, "*/serialx/*"),
)

type Cycle = Callable[[], Awaitable[None]]


def forget_log_records() -> None:
    """Drop the records pytest's log capture keeps.

    A record keeps its arguments alive, and asyncio and serialx attach the
    traceback of each lost connection to a debug line, which keeps the
    closed transport and its decoder alive: the test's memory, not a leak.
    """
    for handler in logging.getLogger().handlers:
        if isinstance(handler, LogCaptureHandler):
            handler.clear()


def live_objects() -> Counter[str]:
    """Count the live objects of the integration's and serialx's own classes."""
    return Counter(
        type(item).__qualname__
        for item in gc.get_objects()
        if type(item).__module__.startswith(OWN_MODULES)
    )


def open_descriptors() -> int:
    """Count this process's open file descriptors."""
    return len(os.listdir("/proc/self/fd"))


def traced_bytes(snapshot: tracemalloc.Snapshot) -> int:
    """Return what the integration and serialx hold in a snapshot."""
    return sum(
        stat.size for stat in snapshot.filter_traces(TRACED).statistics("filename")
    )


async def measure_growth(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    *,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    cycle: Cycle,
    settle_frames: int,
) -> None:
    """Run fault cycles and check nothing grew over those after the warm-up."""

    hub: LinkyHub = entry.runtime_data

    async def settle() -> tuple[tracemalloc.Snapshot, Counter[str]]:
        # The decoder memoises the lines it checks: let the one on the line now
        # see the whole capture twice, so both snapshots hold a full memo.
        frames = hub.connection.frames + settle_frames
        await wait_until(lambda: hub.connection.frames >= frames, 10, "settled")
        forget_log_records()
        gc.collect()
        return tracemalloc.take_snapshot(), live_objects()

    tracemalloc.start()
    try:
        for _ in range(WARM_UP_CYCLES):
            await cycle()
        before, objects_before = await settle()
        descriptors = await hass.async_add_executor_job(open_descriptors)
        tasks = len(asyncio.all_tasks())
        for _ in range(MEASURED_CYCLES):
            await cycle()
        after, objects_after = await settle()
    finally:
        tracemalloc.stop()

    growth = traced_bytes(after) - traced_bytes(before)
    for stat in after.filter_traces(TRACED).compare_to(
        before.filter_traces(TRACED), "lineno"
    )[:8]:
        print("DIFF", stat)
    descriptors_grown = await hass.async_add_executor_job(open_descriptors)
    descriptors_grown -= descriptors
    tasks_grown = len(asyncio.all_tasks()) - tasks
    report(
        f"memory over {MEASURED_CYCLES} {fault} cycles: {growth:+d} B in the "
        f"integration and serialx, descriptors {descriptors_grown:+d}, "
        f"tasks {tasks_grown:+d}, objects of its classes {objects_before.total()} "
        f"then {objects_after.total()}"
    )
    # One more object of a class is a state the entry reached once (its
    # first activity verdict, say); a leak adds one every cycle.
    grown = {
        name: count
        for name, count in (objects_after - objects_before).items()
        if count > 1
    }
    assert not grown
    assert growth < TOLERANCE_B
    assert descriptors_grown == 0
    assert tasks_grown == 0


async def test_dongle_faults_over_and_over_leave_no_memory_behind(
    hass: HomeAssistant,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    quick_retries: None,
) -> None:
    # A fixed mode: in auto mode the meter may come back while the line is read
    # at the other rate, which only costs time here.
    entry, hub = await set_up_meter(
        hass, dongle, str(dongle.path), HISTORICAL, mode=MODE_HISTORICAL
    )
    garbage = bytes_source(TicMode.HISTORICAL, noise(3, 2048))

    async def cycle() -> None:
        dongle.unplug()
        await let_outage_last(hass, hub, 1)
        dongle.plug()
        await dongle.play(garbage, PLAY_SPEED)
        await let_outage_last(hass, hub, 2, line_sends=True)
        await dongle.silence()
        await let_outage_last(hass, hub, 1)
        await dongle.play(meter(HISTORICAL), PLAY_SPEED)
        await wait_until(lambda: power_available(hass, entry), 10, "meter back")

    await measure_growth(
        hass,
        entry,
        caplog=caplog,
        fault="unplug, noise, silence",
        cycle=cycle,
        settle_frames=2 * FRAMES[HISTORICAL],
    )
    await unload(hass, entry)


async def test_bridge_faults_over_and_over_leave_no_memory_behind(
    hass: HomeAssistant,
    bridge: Bridge,
    caplog: pytest.LogCaptureFixture,
    quick_retries: None,
) -> None:
    entry, hub = await set_up_meter(hass, bridge, bridge.url, STANDARD)

    async def cycle() -> None:
        await bridge.reset()
        await let_outage_last(hass, hub, 2)
        await bridge.start()
        await wait_until(lambda: power_available(hass, entry), 10, "bridge back")

    await measure_growth(
        hass,
        entry,
        caplog=caplog,
        fault="bridge reset and refusal",
        cycle=cycle,
        settle_frames=2 * FRAMES[STANDARD],
    )
    await unload(hass, entry)
