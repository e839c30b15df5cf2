"""Play real TIC captures as a live meter on a pseudo-terminal or a loopback port."""

from __future__ import annotations

import asyncio
from contextlib import suppress
import os
from pathlib import Path
import tty
from typing import TYPE_CHECKING

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import encode_frame
from custom_components.linky_activity.tic.frame import Frame, Group

if TYPE_CHECKING:
    from collections.abc import Callable

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tic"

# Each chunk is written after a short pause so that the reader sees a stream,
# not one block: faster than a real meter, slow enough to cut frames anywhere.
CHUNK = 96
PAUSE_S = 0.002


def capture(name: str) -> bytes:
    """Return the raw bytes of a real capture from tests/fixtures/tic."""
    return (FIXTURES / name).read_bytes()


def capture_frames(name: str) -> list[Frame]:
    """Decode a capture into its frames, the last one included."""
    decoder = FrameDecoder()
    return decoder.feed(capture(name)) + decoder.flush()


def fullest_frame(name: str) -> Frame:
    """Return the frame of a capture that carries the most groups."""
    return max(capture_frames(name), key=lambda frame: len(frame.groups))


def with_values(frame: Frame, **values: str) -> bytes:
    """Encode a frame again with some groups' values changed (checksums redone)."""
    groups = [
        Group(label, values.get(label, group.value), group.horodate)
        for label, group in frame.groups.items()
    ]
    return encode_frame(groups, frame.mode)


def frame_bytes(frame: Frame) -> bytes:
    """Encode a decoded frame as a meter sends it: STX, groups, ETX."""
    return encode_frame(frame.groups.values(), frame.mode)


async def wait_until(
    condition: Callable[[], bool], within: float = 5.0, what: str = "condition"
) -> None:
    """Wait, in real time, until a condition on the integration's state holds."""
    try:
        async with asyncio.timeout(within):
            # The integration offers no event for these conditions, and the
            # tests must not add one to it: polling in real time is the way.
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


class Meter:
    """Write TIC bytes to whatever reads the meter: in a loop or one frame at a time."""

    def __init__(self) -> None:
        self._player: asyncio.Task[None] | None = None
        self._last_pass = False

    async def write(self, data: bytes) -> None:
        """Write bytes to the reader."""
        raise NotImplementedError

    def play(self, data: bytes, *, loop: bool = True) -> None:
        """Stream bytes in chunks in the background, over and over if asked."""
        self.stop()
        self._last_pass = not loop
        self._player = asyncio.get_running_loop().create_task(self._play(data))

    async def _play(self, data: bytes) -> None:
        """Stream the bytes chunk by chunk."""
        while True:
            for start in range(0, len(data), CHUNK):
                await self.write(data[start : start + CHUNK])
                await asyncio.sleep(PAUSE_S)
            if self._last_pass:
                return

    async def finish_pass(self) -> None:
        """Let the stream reach the end of the data, then stop it there."""
        self._last_pass = True
        player, self._player = self._player, None
        if player is not None:
            await player

    def stop(self) -> None:
        """Stop streaming."""
        if self._player is not None:
            self._player.cancel()
            self._player = None

    async def stop_and_drain(self) -> None:
        """Stop streaming and wait for the task to finish."""
        player, self._player = self._player, None
        if player is not None:
            player.cancel()
            with suppress(asyncio.CancelledError):
                await player


class PtyMeter(Meter):
    """Act as a meter behind a real pseudo-terminal, as a USB dongle would be."""

    def __init__(self) -> None:
        super().__init__()
        self.master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)
        # A raw line from the start, so that STX/ETX (^B/^C) written before
        # the reader configures the port are never taken as terminal signals.
        tty.setraw(self._slave)
        os.set_blocking(self.master, False)

    async def write(self, data: bytes) -> None:
        """Write to the terminal's master side, dropping what a full buffer refuses."""
        with suppress(BlockingIOError):
            os.write(self.master, data)

    def open_count(self) -> int:
        """Count this process's open descriptors on the terminal, ours included."""
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            with suppress(OSError):
                if os.readlink(f"/proc/self/fd/{fd}") == self.path:
                    count += 1
        return count

    def close(self) -> None:
        """Stop and close both sides of the terminal."""
        self.stop()
        for fd in (self.master, self._slave):
            with suppress(OSError):
                os.close(fd)


class TcpMeter(Meter):
    """Act as a ser2net-style bridge on a loopback TCP port."""

    def __init__(self) -> None:
        super().__init__()
        self.port = 0
        self._server: asyncio.Server | None = None
        self._clients: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """Return the serial URL that reaches this bridge."""
        return f"socket://127.0.0.1:{self.port}"

    @property
    def clients(self) -> int:
        """Return how many readers are connected."""
        return len(self._clients)

    async def start(self) -> None:
        """Listen on 127.0.0.1, on the same port as before if there was one."""
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(
        self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Keep a new reader to write to."""
        self._clients.add(writer)

    async def write(self, data: bytes) -> None:
        """Send the bytes to every connected reader."""
        for writer in tuple(self._clients):
            if writer.is_closing():
                self._clients.discard(writer)
                continue
            writer.write(data)

    async def shut_down(self) -> None:
        """Go away as a rebooted bridge would: stop listening, drop every reader."""
        await self.stop_and_drain()
        if self._server is not None:
            self._server.close()
        for writer in tuple(self._clients):
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()
        self._clients.clear()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
