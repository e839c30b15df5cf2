"""Soak the whole live path, bytes to recorded states, for a week of meter time.

Run by hand: `.venv/bin/python benchmarks/soak.py [--days 7] [--mode both]`.

A real Home Assistant (the test harness's, in a throwaway folder) runs the
integration on a real pseudo-terminal. Real captured frames from
tests/fixtures/tic are played on it, re-encoded with the REFIT House 2 power
series, indexes that count that power, the tariff period of the time of day
and a corrupted byte in one frame of 500: every frame goes through serialx,
the decoder, the reading, the index guard, the entities' aggregation and the
activity detector, exactly as on a live meter.

Meter time runs much faster than the wall clock: each publish interval's
frames are written, read and handled, then Home Assistant's clock is set to
the interval's end and the callbacks its interval timers call (the publish
tick, the activity tick) run, so entities write their states as they would.
Every state change the recorder would store is counted.

The process's CPU seconds and peak memory are printed, and the figures of
the last day are compared with the first: the count of live objects and the
allocated memory blocks must not grow once the first day has passed (the
bounded memos of the decoder and the readings run smaller, see MEMO_SIZE).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import gc
import os
from pathlib import Path
import random
import resource
import sys
import tempfile
import time
import tty
from typing import TYPE_CHECKING, Final
from unittest.mock import patch

from homeassistant.const import CONF_PORT, EVENT_STATE_CHANGED
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.loader import DATA_CUSTOM_COMPONENTS
import numpy as np
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.const import CONF_MODE, DOMAIN
from custom_components.linky_activity.tic import (
    decoder as decoder_module,
    reading as reading_module,
)
from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import encode_frame, format_decimal
from custom_components.linky_activity.tic.frame import Frame, Group, TicMode

if TYPE_CHECKING:
    from homeassistant.core import Event, EventStateChangedData, HomeAssistant

    from custom_components.linky_activity.hub import LinkyHub

REPO: Final = Path(__file__).resolve().parents[1]
CAPTURES: Final = REPO / "tests" / "fixtures" / "tic"
POWER_FILE: Final = (
    REPO / "tests" / "fixtures" / "activity" / "refit_House_2_2015-01-08_06-10.csv"
)
# One real single-phase off-peak capture per mode.
TEMPLATES: Final = {
    TicMode.HISTORICAL: "historical-mono-hc-wifinfo.txt",
    TicMode.STANDARD: "standard-mono-hc-goteleinfo.txt",
}
# Seconds between frames as a meter sends them.
PACE_S: Final = {TicMode.HISTORICAL: 1.7, TicMode.STANDARD: 1.0}
PUBLISH_S: Final = 10
TICK_S: Final = 60
START: Final = datetime(2026, 1, 5, tzinfo=UTC)
# Off-peak hours, local time, of the replayed contract.
OFFPEAK_HOURS: Final = frozenset((*range(22, 24), *range(6)))
CORRUPT_ONE_IN: Final = 500
# Less than a pseudo-terminal buffers, so a write never waits for the reader.
LINE_PIECE: Final = 2048
# The decoder's and the readings' memos are bounded (4096 groups, kept over
# two generations): ever-new groups (indexes, power) fill them over weeks,
# which a week's soak would mistake for growth. With this bound they are full
# within the first day, so what still grows after it is a leak.
MEMO_SIZE: Final = 256
# Live objects may differ a little between two days (what a frame in flight
# holds); a leak grows with every day.
OBJECT_TOLERANCE: Final = 200
BLOCK_TOLERANCE: Final = 2_000


@dataclass(slots=True)
class Meter:
    """Turn a real frame into a stream of frames with moving power and indexes."""

    template: Frame
    power_va: np.ndarray
    pace_s: float
    start: datetime
    energy_wh: dict[str, float] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(5))

    def frame_at(self, index: int) -> bytes:
        """Return the meter's frame number `index`, as its bytes on the line."""
        at = self.start + timedelta(seconds=index * self.pace_s)
        offpeak = at.hour in OFFPEAK_HOURS
        power = float(self.power_va[index % self.power_va.size])
        mode = self.template.mode
        values = self._values(power, offpeak, mode)
        groups = [
            Group(label, values.get(label, group.value), group.horodate)
            for label, group in self.template.groups.items()
        ]
        data = encode_frame(groups, mode)
        if index % CORRUPT_ONE_IN == CORRUPT_ONE_IN - 1:
            spoiled = bytearray(data)
            spoiled[self.rng.randrange(2, len(data) - 2)] ^= 0x08
            data = bytes(spoiled)
        return data

    def _count(self, key: str, power: float) -> str:
        """Add one frame's energy to an index and return its whole Wh."""
        start = float(self.template.groups[key].value)
        self.energy_wh[key] = (
            self.energy_wh.get(key, start) + power * self.pace_s / 3600
        )
        return format_decimal(key, int(self.energy_wh[key]), self.template.mode)

    def _values(self, power: float, offpeak: bool, mode: TicMode) -> dict[str, str]:
        """Return the groups whose value moves, for one frame."""
        current = str(max(1, round(power / 230))).zfill(3)
        if mode is TicMode.HISTORICAL:
            index = "HCHC" if offpeak else "HCHP"
            return {
                "PAPP": format_decimal("PAPP", round(power / 10) * 10, mode),
                "IINST": current,
                "PTEC": "HC.." if offpeak else "HP..",
                index: self._count(index, power),
            }
        index = "EASF01" if offpeak else "EASF02"
        return {
            "SINSTS": format_decimal("SINSTS", round(power), mode),
            "IRMS1": current,
            "NTARF": "01" if offpeak else "02",
            "LTARF": " HEURE  CREUSE  " if offpeak else " HEURE  PLEINE  ",
            "EAST": self._count("EAST", power),
            index: self._count(index, power),
        }


def _template(mode: TicMode) -> Frame:
    """Return the fullest real frame of the mode's capture."""
    decoder = FrameDecoder()
    data = (CAPTURES / TEMPLATES[mode]).read_bytes()
    frames = decoder.feed(data) + decoder.flush()
    return max(frames, key=lambda frame: len(frame.groups))


def _power_series() -> np.ndarray:
    """Return REFIT House 2's aggregate as VA, one value per 8 s sample."""
    rows = np.genfromtxt(POWER_FILE, delimiter=",", skip_header=1, usecols=(2,))
    return np.asarray(np.round(np.nan_to_num(rows) / 0.95), dtype=np.float64)


def _at_pace(power_8s: np.ndarray, pace_s: float) -> np.ndarray:
    """Hold the 8 s samples at the meter's pace, for a whole day, looping."""
    count = int(86_400 / pace_s)
    held = (np.arange(count) * pace_s / 8.0).astype(int) % power_8s.size
    return np.asarray(power_8s[held], dtype=np.float64)


@dataclass(slots=True)
class Day:
    """Hold what was measured at the end of one day of meter time."""

    objects: int
    blocks: int
    frames: int
    seconds: float


@dataclass(slots=True)
class Report:
    """Hold the soak's figures."""

    mode: TicMode
    days: float
    frames: int = 0
    valid_groups: int = 0
    rejected_groups: int = 0
    writes: Counter[str] = field(default_factory=Counter)
    day_ends: list[Day] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_rss_kib: int = 0
    detector_bytes: int = 0


def _live_objects() -> int:
    """Count the live objects the garbage collector tracks."""
    gc.collect()
    return len(gc.get_objects())


class Clock:
    """Give Home Assistant the meter's time instead of the wall clock's."""

    def __init__(self) -> None:
        self.now = START

    def utcnow(self) -> datetime:
        """Return the meter's current time."""
        return self.now


class Soak:
    """Run one meter's integration in Home Assistant while meter time passes."""

    def __init__(
        self, hass: HomeAssistant, clock: Clock, mode: TicMode, days: float
    ) -> None:
        self.hass = hass
        self.pace_s = PACE_S[mode]
        self.start = clock.now
        self.meter = Meter(
            _template(mode),
            _at_pace(_power_series(), self.pace_s),
            self.pace_s,
            self.start,
        )
        self.report = Report(mode=mode, days=days)
        self.clock = clock
        self.controller, self.terminal = os.openpty()
        tty.setraw(self.terminal)
        os.set_blocking(self.controller, False)
        self.entry = MockConfigEntry(
            domain=DOMAIN,
            title="Linky",
            unique_id=f"soak-{mode.value}",
            data={CONF_PORT: os.ttyname(self.terminal), CONF_MODE: mode.value},
        )
        self.entity_ids: dict[str, bool] = {}

    @property
    def hub(self) -> LinkyHub:
        """Return the integration's hub for the meter."""
        hub: LinkyHub = self.entry.runtime_data
        return hub

    async def set_up(self) -> None:
        """Add the entry and send frames until the integration has its first reading."""
        self.entry.add_to_hass(self.hass)
        self.hass.bus.async_listen(EVENT_STATE_CHANGED, self._count)
        setting_up = self.hass.async_create_task(
            self.hass.config_entries.async_setup(self.entry.entry_id)
        )
        while not setting_up.done():
            # Setting the port flushes what came before: keep sending.
            os.write(self.controller, self.meter.frame_at(0))
            await asyncio.sleep(0.05)
        if not setting_up.result():
            raise RuntimeError("the integration did not set up")
        await self.hass.async_block_till_done()

    @callback
    def _count(self, event: Event[EventStateChangedData]) -> None:
        """Count a state change of one of the meter's entities."""
        new = event.data["new_state"]
        if new is None:
            return
        ours = self.entity_ids.get(new.entity_id)
        if ours is None:
            # Entities come as the labels they show appear: look each up once.
            item = er.async_get(self.hass).async_get(new.entity_id)
            ours = item is not None and item.config_entry_id == self.entry.entry_id
            self.entity_ids[new.entity_id] = ours
        if ours:
            self.report.writes[new.entity_id] += 1

    async def run(self) -> None:
        """Play every publish interval of the soak, and note each day's end."""
        per_publish = round(PUBLISH_S / self.pace_s)
        total = int(self.report.days * 86_400 / self.pace_s)
        per_day = int(86_400 / self.pace_s)
        runtime = activity_runtime(self.hass, self.entry)
        started_cpu, started_wall = time.process_time(), time.monotonic()
        frame = 0
        while frame < total:
            sent = min(total, frame + per_publish) - frame
            await self._send(
                b"".join(self.meter.frame_at(i) for i in range(frame, frame + sent))
            )
            frame += sent
            self.clock.now = self.start + timedelta(seconds=frame * self.pace_s)
            # What the hub's and the activity runtime's interval timers call.
            self.hub._publish(self.clock.now)
            if frame * self.pace_s // TICK_S != (frame - sent) * self.pace_s // TICK_S:
                runtime._on_tick(self.clock.now)
            if frame // per_day != (frame - sent) // per_day:
                self._day_ended(time.monotonic() - started_wall)
        self.report.cpu_s = time.process_time() - started_cpu
        self.report.wall_s = time.monotonic() - started_wall
        connection = self.hub.connection
        self.report.frames = connection.frames
        self.report.valid_groups = connection.valid_groups
        self.report.rejected_groups = connection.rejected_groups
        self.report.detector_bytes = runtime.detector.memory_bytes()

    async def _send(self, data: bytes) -> None:
        """Write bytes to the line a piece at a time, each once the last is read."""
        connection = self.hub.connection
        for start in range(0, len(data), LINE_PIECE):
            piece = data[start : start + LINE_PIECE]
            target = connection.bytes_received + len(piece)
            os.write(self.controller, piece)
            # Nothing in the integration announces bytes read: poll the loop.
            while connection.bytes_received < target:  # noqa: ASYNC110
                await asyncio.sleep(0)

    def _day_ended(self, seconds: float) -> None:
        """Note the memory figures at the end of a day of meter time."""
        day = Day(
            objects=_live_objects(),
            blocks=sys.getallocatedblocks(),
            frames=self.hub.connection.frames,
            seconds=seconds,
        )
        self.report.day_ends.append(day)
        print(
            f"day {len(self.report.day_ends)}: {day.frames} frames,"
            f" {day.objects} live objects, {day.blocks} memory blocks,"
            f" {seconds:.0f} s",
            flush=True,
        )

    async def tear_down(self) -> None:
        """Unload the entry and close the line."""
        await self.hass.config_entries.async_unload(self.entry.entry_id)
        await self.hass.async_block_till_done()
        os.close(self.controller)
        os.close(self.terminal)


async def _soak(modes: list[TicMode], days: float) -> list[Report]:
    """Run the integration on a replayed meter of each mode for `days` each."""
    clock = Clock()
    reports = []
    with (
        tempfile.TemporaryDirectory() as config_dir,
        patch("homeassistant.util.dt.utcnow", clock.utcnow),
        patch("homeassistant.helpers.event.time_tracker_utcnow", clock.utcnow),
        patch.object(decoder_module, "_CACHE_SIZE", MEMO_SIZE),
        patch.object(reading_module._memo, "_size", MEMO_SIZE),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(DATA_CUSTOM_COMPONENTS)
            await hass.config.async_set_time_zone("Europe/Paris")
            for mode in modes:
                soak = Soak(hass, clock, mode, days)
                await soak.set_up()
                await soak.run()
                await soak.tear_down()
                soak.report.peak_rss_kib = resource.getrusage(
                    resource.RUSAGE_SELF
                ).ru_maxrss
                reports.append(soak.report)
    return reports


def _print(report: Report) -> bool:
    """Print the figures; return whether nothing grew after the first day."""
    hours = report.days * 24
    print(
        f"{report.mode.value}: {report.frames} frames over {report.days:g} days of"
        f" meter time, {report.valid_groups} valid groups,"
        f" {report.rejected_groups} rejected groups"
    )
    print(
        f"CPU {report.cpu_s:.1f} s, wall {report.wall_s:.1f} s,"
        f" {report.cpu_s / max(report.frames, 1) * 1e6:.0f} us of CPU a frame,"
        f" peak memory {report.peak_rss_kib / 1024:.0f} MiB (the whole Home"
        f" Assistant process), activity detector {report.detector_bytes / 1024:.0f} KiB"
    )
    print("state writes per hour of meter time, by entity:")
    for entity_id, writes in sorted(report.writes.items()):
        print(f"  {entity_id}: {writes / hours:.1f}")
    print(f"  all entities: {sum(report.writes.values()) / hours:.1f}")
    first, last = report.day_ends[0], report.day_ends[-1]
    objects = last.objects - first.objects
    blocks = last.blocks - first.blocks
    print(
        f"after day 1: live objects {objects:+d}, allocated blocks {blocks:+d}"
        f" (tolerance {OBJECT_TOLERANCE}, {BLOCK_TOLERANCE})"
    )
    return objects <= OBJECT_TOLERANCE and blocks <= BLOCK_TOLERANCE


def main() -> int:
    """Parse the arguments, soak, print the figures; 1 if memory grew."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument(
        "--mode",
        choices=[*(mode.value for mode in TicMode), "both"],
        default="both",
        help="TIC mode of the replayed meter (default: one soak of each)",
    )
    args = parser.parse_args()
    if args.days < 2:
        parser.error("--days must be at least 2: the first day is the warm-up")
    modes = list(TicMode) if args.mode == "both" else [TicMode(args.mode)]
    grew = False
    for report in asyncio.run(_soak(modes, args.days)):
        if not _print(report):
            print(f"{report.mode.value}: memory grew after day 1", file=sys.stderr)
            grew = True
    return 1 if grew else 0


if __name__ == "__main__":
    raise SystemExit(main())
