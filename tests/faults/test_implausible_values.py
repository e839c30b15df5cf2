"""Specify that frames with valid checksums but impossible indexes never reach states.

A TIC checksum is 6 bits: one corrupted group in 64 passes it. A corrupted
energy index that reached the recorder would break the Energy dashboard's
long-term statistics for good, so every state any index entity writes is
checked against the values the real meter sent.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from custom_components.linky_activity.tic.encoder import encode_frame
from custom_components.linky_activity.tic.frame import Frame, Group

from .lines import bytes_source, capture_frames
from .scenario import meter_entry, set_up_meter, unload
from .watch import (
    StateLog,
    assert_loop_never_blocked,
    assert_no_traceback,
    fire_after,
    integration_records,
    report,
    wait_until,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .lines import Dongle

# 40,000 kWh, in the Wh the indexes count.
JUMP_WH = 40_000_000
# Fewer than the index guard's confirmations: a burst, not a new meter.
BURST = 5


def fullest_frame(capture_name: str) -> Frame:
    """Return the frame of a capture that carries the most groups."""
    return max(capture_frames(capture_name), key=lambda frame: len(frame.groups))


def with_index(frame: Frame, label: str, value_wh: int) -> bytes:
    """Encode a real frame again with one index changed, its checksum redone."""
    width = len(frame.groups[label].value)
    groups = [
        Group(group.label, str(value_wh).zfill(width), group.horodate)
        if group.label == label
        else group
        for group in frame.groups.values()
    ]
    return encode_frame(groups, frame.mode)


def spoiled_stream(frame: Frame, label: str) -> list[bytes]:
    """Return the meter's frame with single and burst regressions and jumps mixed in."""
    real = int(frame.groups[label].value)
    good = encode_frame(frame.groups.values(), frame.mode)
    zero = with_index(frame, label, 0)
    lower = with_index(frame, label, real - 1_000)
    jump = with_index(frame, label, real + JUMP_WH)
    return [
        *[good] * 3,
        zero,
        good,
        jump,
        good,
        lower,
        *[good] * 2,
        *[zero] * BURST,
        good,
        *[jump] * BURST,
        good,
        jump,
        zero,
        jump,
        *[good] * 2,
    ]


@pytest.mark.parametrize(
    ("capture_name", "label", "key"),
    [
        ("historical-mono-hc-wifinfo.txt", "HCHC", "index_hchc"),
        ("standard-mono-hc-goteleinfo.txt", "EAST", "index_east"),
    ],
)
async def test_no_index_going_back_or_leaping_ever_reaches_a_state(
    hass: HomeAssistant,
    *,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    capture_name: str,
    label: str,
    key: str,
) -> None:
    frame = fullest_frame(capture_name)
    real = float(frame.groups[label].value)
    entry, hub = await set_up_meter(hass, dongle, str(dongle.path), capture_name)
    caplog.clear()
    states = StateLog(hass, entry).start()
    stream = spoiled_stream(frame, label)
    frames_before = hub.connection.frames

    await dongle.play(bytes_source(frame.mode, *stream), speed=40)
    while hub.connection.frames < frames_before + 2 * len(stream):
        await asyncio.sleep(0.1)
        await fire_after(hass, hub.publish_interval_s)
    states.stop()

    written = states.numbers(key)
    report(
        f"implausible {label} (0, -1 kWh, +40,000 kWh, bursts of {BURST}): "
        f"{hub.connection.frames - frames_before} frames, {len(written)} states "
        f"written, all {sorted(set(written))}"
    )
    assert written
    assert set(written) == {real}
    assert states.keys("index_") >= {key}
    assert integration_records(caplog) == []
    assert_no_traceback(caplog)
    assert_loop_never_blocked(caplog)
    await unload(hass, entry)


async def test_a_meter_whose_first_frame_leaps_is_written_from_its_real_index(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    capture_name = "historical-mono-hc-wifinfo.txt"
    frame = fullest_frame(capture_name)
    real = int(frame.groups["HCHC"].value)
    good = encode_frame(frame.groups.values(), frame.mode)
    leap = with_index(frame, "HCHC", real + JUMP_WH)
    entry = meter_entry(capture_name, str(dongle.path))
    entry.add_to_hass(hass)
    states = StateLog(hass, entry).start()

    setting_up = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    # The leap must be the very first frame the integration reads: send it
    # once the port is open and set (setting it flushes what came before).
    await wait_until(lambda: dongle.read_rate() in {1200, 9600}, 5, "port opened")
    await asyncio.sleep(0.3)
    await dongle.play(bytes_source(frame.mode, leap, *[good] * 30, loop=False), 40)
    assert await setting_up
    hub = entry.runtime_data
    while dongle.playing:
        await asyncio.sleep(0.1)
        await fire_after(hass, hub.publish_interval_s)
    await fire_after(hass, hub.publish_interval_s)
    states.stop()

    assert hub.connection.frames == 31
    assert set(states.numbers("index_hchc")) == {real}
    await unload(hass, entry)
