"""Play a meter whose frames are built from a power series, on a real line."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
import functools
import gzip
import os
from pathlib import Path
import shutil
import tempfile
import time
from typing import TYPE_CHECKING

from homeassistant.const import CONF_PORT
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.linky_activity.const import CONF_MODE, DOMAIN
from custom_components.linky_activity.identity import meter_unique_id
from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import encode_frame, format_decimal
from custom_components.linky_activity.tic.frame import Frame, Group, TicMode
from training.datasets.refit import read_refit

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from custom_components.linky_activity.hub import LinkyHub

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# A real off-peak contract frame (historical mode, single phase): its groups,
# in order, with the power, current, indexes and period replaced per sample.
TEMPLATE_CAPTURE = FIXTURES / "tic" / "historical-mono-hc-wifinfo.txt"
VOLTS = 230.0
# Reading a frame takes a few loop turns; past these the test waits in real
# time, and past the timeout the reader has lost it.
SPIN_TURNS = 200
READ_TIMEOUT_NS = 10_000_000_000
REAL_PAUSE_S = 0.001
MAX_SETUP_FRAMES = 500
SETUP_PAUSE_S = 0.02
HOLD_STEP_S = 2.0
# Household loads draw a little less active power than the apparent power.
POWER_FACTOR = 0.95
REFIT_DAY = FIXTURES / "ha_activity" / "refit_House_9_2015-01-08.csv.gz"
# REFIT House 9's first activity of 8 January 2015 (06:34 to 06:46 UTC): a
# real morning, kettle included, that the shipped model calls activity.
BURST_FROM_S = 1_420_698_840.0
BURST_TO_S = 1_420_699_560.0


def _real_ns() -> int:
    """Return a real monotonic clock reading, which the frozen clock leaves alone."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW)


@functools.cache
def morning_burst() -> tuple[tuple[float, float], ...]:
    """Return the real morning burst as (seconds from its start, VA) samples."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "House_9.csv"
        with gzip.open(REFIT_DAY, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        house = read_refit(path)
    inside = (house.timestamps_s >= BURST_FROM_S) & (house.timestamps_s < BURST_TO_S)
    return tuple(
        (stamp - BURST_FROM_S, watts / POWER_FACTOR)
        for stamp, watts in zip(
            house.timestamps_s[inside].tolist(),
            house.aggregate_w[inside].tolist(),
            strict=True,
        )
    )


def template_frame() -> Frame:
    """Return the real frame whose layout every built frame copies."""
    frames = FrameDecoder().feed(TEMPLATE_CAPTURE.read_bytes())
    return max(frames, key=lambda frame: len(frame.groups))


def meter_entry(
    port: str, *, address: str | None = None, **options: object
) -> MockConfigEntry:
    """Build the config entry the config flow would create for a meter."""
    if address is None:
        address = template_frame().groups["ADCO"].value
    return MockConfigEntry(
        domain=DOMAIN,
        title="Linky",
        unique_id=meter_unique_id(address),
        data={CONF_PORT: port, CONF_MODE: TicMode.HISTORICAL.value},
        options=options,
    )


@dataclass
class FrameBuilder:
    """Turn power samples into the frames a historical off-peak meter sends."""

    offpeak_wh: float = 52_890_470.0
    peak_wh: float = 49_126_843.0
    _template: Frame = field(default_factory=template_frame)
    _last_total_wh: float | None = None

    def frame(self, power_va: float, offpeak: bool, total_wh: float | None) -> bytes:
        """Return one frame's bytes for a sample, checksums computed."""
        if total_wh is not None:
            if self._last_total_wh is not None and total_wh > self._last_total_wh:
                delta = total_wh - self._last_total_wh
                if offpeak:
                    self.offpeak_wh += delta
                else:
                    self.peak_wh += delta
            self._last_total_wh = total_wh
        mode = TicMode.HISTORICAL
        power = round(power_va)
        values = {
            "HCHC": format_decimal("HCHC", round(self.offpeak_wh), mode),
            "HCHP": format_decimal("HCHP", round(self.peak_wh), mode),
            "PTEC": "HC.." if offpeak else "HP..",
            "IINST": format_decimal("IINST", round(power / VOLTS), mode),
            "PAPP": format_decimal("PAPP", power, mode),
        }
        groups = [
            Group(label, values.get(label, group.value), group.horodate)
            for label, group in self._template.groups.items()
        ]
        return encode_frame(groups, mode)


class ClockedLink:
    """Act as the meter's line: the test writes frames, the integration reads.

    Each frame is written at the moment the test's frozen clock is moved to,
    and the test waits until the integration has decoded it, so a day of
    samples plays in seconds with every reading stamped at its own time.
    """

    path = ""

    def _write(self, data: bytes) -> None:
        """Put bytes on the line."""
        raise NotImplementedError

    @staticmethod
    async def _hass_wait(hub: LinkyHub) -> None:
        """Let a little real time pass without blocking the loop."""
        await hub.hass.async_add_executor_job(time.sleep, REAL_PAUSE_S)

    async def send(
        self,
        hub: LinkyHub,
        freezer: FrozenDateTimeFactory,
        at_s: float,
        data: bytes,
    ) -> None:
        """Move the clock to `at_s`, write one frame and wait until it is read."""
        freezer.move_to(datetime.fromtimestamp(at_s, UTC))
        before = hub.connection.frames
        self._write(data)
        for _ in range(SPIN_TURNS):
            await asyncio.sleep(0)
            if hub.connection.frames > before:
                return
        # A busy machine can be slow to hand the bytes over: wait in real
        # time (the frozen clock would never end an asyncio sleep).
        deadline = _real_ns() + READ_TIMEOUT_NS
        while hub.connection.frames == before:
            assert _real_ns() < deadline, "the frame was never read"
            await self._hass_wait(hub)

    async def start_entry(
        self,
        hass: HomeAssistant,
        entry: MockConfigEntry,
        freezer: FrozenDateTimeFactory,
        frame: bytes,
    ) -> None:
        """Set the entry up while the meter sends a frame each (frozen) second.

        Loading the integration happens in executor threads, in real time:
        the test waits for it in a thread too, as the frozen clock would
        never end an asyncio sleep.
        """
        if hass.config_entries.async_get_entry(entry.entry_id) is None:
            entry.add_to_hass(hass)
        setup = asyncio.ensure_future(hass.config_entries.async_setup(entry.entry_id))
        for _ in range(MAX_SETUP_FRAMES):
            if setup.done():
                break
            freezer.tick(1.0)
            self._write(frame)
            await hass.async_add_executor_job(time.sleep, SETUP_PAUSE_S)
        assert setup.done(), "the entry did not set up"
        assert setup.result(), "the entry failed to set up"
        await hass.async_block_till_done()


class ClockedTerminal(ClockedLink):
    """Be the USB dongle: a real pseudo-terminal."""

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)

    def _write(self, data: bytes) -> None:
        """Write to the terminal's master side."""
        os.write(self.master, data)

    def close(self) -> None:
        """Close both sides of the terminal."""
        for fd in (self.master, self._slave):
            with suppress(OSError):
                os.close(fd)


class ClockedBridge(ClockedLink):
    """Be a ser2net-style bridge: a loopback TCP port the integration reads."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._client: asyncio.StreamWriter | None = None

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.path = f"socket://127.0.0.1:{port}"

    async def _accept(
        self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Keep the integration's connection to write to."""
        self._client = writer

    def _write(self, data: bytes) -> None:
        """Send the bytes to the connected integration, once it is there."""
        if self._client is not None:
            self._client.write(data)

    async def close(self) -> None:
        """Stop listening and drop the connection."""
        if self._client is not None:
            self._client.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@dataclass
class Replay:
    """Drive a meter on a clocked line: set the entry up, then play power."""

    hass: HomeAssistant
    link: ClockedLink
    frames: FrameBuilder
    freezer: FrozenDateTimeFactory
    energy_wh: float = 0.0

    async def start(
        self, entry: MockConfigEntry, at_s: float, power_va: float = 200.0
    ) -> LinkyHub:
        """Set the entry up at a moment, the meter showing a steady power."""
        self.freezer.move_to(datetime.fromtimestamp(at_s, UTC))
        frame = self.frames.frame(power_va, False, None)
        await self.link.start_entry(self.hass, entry, self.freezer, frame)
        hub: LinkyHub = entry.runtime_data
        return hub

    async def send(self, hub: LinkyHub, at_s: float, data: bytes) -> None:
        """Send one frame at a moment."""
        await self.link.send(hub, self.freezer, at_s, data)

    async def hold(
        self, hub: LinkyHub, start_s: float, minutes: float, power_va: float
    ) -> float:
        """Send a frame every two seconds at a steady power; return the end.

        The energy index counts what that power draws, as a meter's does.
        """
        moment = start_s
        while moment < start_s + minutes * 60.0:
            moment = await self._step(hub, moment, power_va)
        return moment

    async def burst(self, hub: LinkyHub, start_s: float) -> float:
        """Play the real morning burst from a moment; return its end."""
        samples = morning_burst()
        moment = start_s
        for index, (offset_s, power_va) in enumerate(samples):
            # Each recorded value holds until the next one, as the meter sees it.
            until = start_s + (
                samples[index + 1][0] if index + 1 < len(samples) else offset_s
            )
            while moment < until:
                moment = await self._step(hub, moment, power_va)
        return moment

    async def _step(self, hub: LinkyHub, moment: float, power_va: float) -> float:
        """Send the next frame, two seconds on, and return its moment."""
        moment += HOLD_STEP_S
        self.energy_wh += power_va * POWER_FACTOR * HOLD_STEP_S / 3600.0
        await self.send(hub, moment, self.frames.frame(power_va, False, self.energy_wh))
        return moment
