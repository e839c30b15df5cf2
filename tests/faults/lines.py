"""Give the integration a meter line the test breaks at will: a dongle or a bridge.

The meter itself is `linky-activity replay`'s player, fed real captures from
tests/fixtures/tic, at the line's real pace unless a test asks for faster.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
import os
from pathlib import Path
import socket
import struct
import termios
import tty
from typing import TYPE_CHECKING, Final

from custom_components.linky_activity.serial_link import BAUD_RATES
from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.reading import reading_from_frame
from training.replay_player import play
from training.replay_source import CaptureSource

from .uart import misread

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame, TicMode

FIXTURES: Final = Path(__file__).resolve().parents[1] / "fixtures" / "tic"
# termios speed constants, back to the rate in baud they stand for.
_RATES: Final = {
    getattr(termios, name): int(name[1:])
    for name in dir(termios)
    if name.startswith("B") and name[1:].isdecimal()
}


# Read once, at import: a test reading files on the event loop would set off
# the blocking-call detection the suite keeps on.
_BYTES: Final = {path.name: path.read_bytes() for path in FIXTURES.glob("*.txt")}
_METERS: Final = {
    path.name: CaptureSource.from_file(path) for path in FIXTURES.glob("*.txt")
}
_RAW: Final = {
    path.name: CaptureSource.from_file(path, raw=True)
    for path in FIXTURES.glob("*.txt")
}


def meter(name: str) -> CaptureSource:
    """Return a real capture as a healthy meter plays it, frame after frame, looping."""
    return _METERS[name]


def raw_capture(name: str) -> CaptureSource:
    """Return a real capture played byte for byte, noise and cut frames included."""
    return _RAW[name]


def bytes_source(mode: TicMode, *chunks: bytes, loop: bool = True) -> CaptureSource:
    """Return a source that plays given bytes at a mode's line rate."""
    return CaptureSource(mode=mode, chunks=chunks, loop=loop)


def capture_frames(name: str) -> list[Frame]:
    """Decode every frame of a capture."""
    decoder = FrameDecoder()
    return decoder.feed(_BYTES[name]) + decoder.flush()


def identity_of(name: str) -> tuple[str, str | None]:
    """Return the meter address and the PRM (if sent) a capture carries."""
    readings = [reading_from_frame(frame) for frame in capture_frames(name)]
    address = next(r.meter_address for r in readings if r.meter_address is not None)
    prm = next((r.prm for r in readings if r.prm is not None), None)
    return address, prm


# Every meter address and PRM the fixture captures carry: none may leak.
IDENTIFIERS: Final = frozenset(
    value for name in sorted(_BYTES) for value in identity_of(name) if value
)


def leaked_identifiers(text: str) -> list[str]:
    """Return the meter addresses and PRMs of the fixtures found in a text."""
    return [value for value in IDENTIFIERS if value in text]


class Line:
    """Play a source on a line in the background, as a meter does, until stopped."""

    def __init__(self) -> None:
        self.mode: TicMode | None = None
        self._player: asyncio.Task[int] | None = None

    @property
    def playing(self) -> bool:
        """Tell whether a source is being played."""
        return self._player is not None and not self._player.done()

    async def play(self, source: CaptureSource, speed: float = 1.0) -> None:
        """Play a source at its mode's line rate times `speed`, replacing any other."""
        await self.silence()
        self.mode = source.mode
        self._player = asyncio.get_running_loop().create_task(
            play(source, self._send, speed)
        )

    async def silence(self) -> None:
        """Stop sending, as a meter that cuts its TIC output."""
        player, self._player = self._player, None
        if player is not None:
            player.cancel()
            with suppress(asyncio.CancelledError):
                await player

    async def _send(self, piece: bytes) -> None:
        """Put bytes on the line."""
        raise NotImplementedError


class Dongle(Line):
    """Act as a USB TIC dongle: a pseudo-terminal behind a stable by-id link.

    Unplugging closes the terminal (the reader's next read fails, as with a
    vanished USB device) and removes the link; plugging in again makes a new
    terminal behind the same link, as udev does for a real dongle. The line
    honours the rate the reader set: bytes sent at the meter's rate reach a
    reader set to another rate as `uart.misread` computes them.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "usb-Linky_TIC_Dongle_TINFO-4242-if00-port0"
        self._controller: int | None = None
        self._terminal: int | None = None
        # Every rate a reader has set while the dongle was sending.
        self.rates_read: set[int] = set()
        self.plug()

    @property
    def plugged(self) -> bool:
        """Tell whether the dongle is plugged in."""
        return self._controller is not None

    def plug(self) -> None:
        """Plug the dongle in: a new terminal appears behind the link."""
        controller, terminal = os.openpty()
        # Raw from the start, so STX/ETX sent before the reader configures
        # the port are never taken as terminal signals.
        tty.setraw(terminal)
        os.set_blocking(controller, False)
        self._controller, self._terminal = controller, terminal
        self.path.symlink_to(os.ttyname(terminal))

    def unplug(self) -> None:
        """Pull the dongle out: its terminal closes and its link goes away."""
        with suppress(FileNotFoundError):
            self.path.unlink()
        for fd in (self._controller, self._terminal):
            if fd is not None:
                with suppress(OSError):
                    os.close(fd)
        self._controller = self._terminal = None

    def read_rate(self) -> int | None:
        """Return the rate, in baud, the reader set on the line."""
        if self._terminal is None:
            return None
        return _RATES.get(termios.tcgetattr(self._terminal)[4])

    async def _send(self, piece: bytes) -> None:
        """Write what a reader at its own rate receives; drop it if nobody reads."""
        if self._controller is None or self._terminal is None or self.mode is None:
            return
        rate = self.read_rate()
        if rate is not None:
            self.rates_read.add(rate)
        sent_at = BAUD_RATES[self.mode]
        if rate is not None and rate != sent_at:
            piece = misread(piece, sent_at, rate)
        try:
            os.write(self._controller, piece)
        except BlockingIOError:
            # Nobody reads: drop the stale bytes, as a real line does.
            termios.tcflush(self._terminal, termios.TCIFLUSH)
        except OSError:
            return


class Bridge(Line):
    """Act as a ser2net host on 127.0.0.1, serving the meter line to TCP readers."""

    def __init__(self) -> None:
        super().__init__()
        self.port = 0
        self.accepted = 0
        self._server: asyncio.Server | None = None
        self._readers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """Return the serial URL that reaches this bridge."""
        return f"socket://127.0.0.1:{self.port}"

    @property
    def readers(self) -> int:
        """Return how many readers are connected."""
        return len(self._readers)

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
        self.accepted += 1
        self._readers.add(writer)

    async def reset(self) -> None:
        """Vanish as a crashed host: reset every connection, refuse new ones."""
        if self._server is not None:
            self._server.close()
        for writer in tuple(self._readers):
            sock = writer.get_extra_info("socket")
            # A zero linger time makes close() send a TCP reset.
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            writer.transport.abort()
        self._readers.clear()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def shut_down(self) -> None:
        """Stop playing and go away for good."""
        await self.silence()
        await self.reset()

    async def _send(self, piece: bytes) -> None:
        """Send the bytes to every connected reader."""
        for writer in tuple(self._readers):
            if writer.is_closing():
                self._readers.discard(writer)
                continue
            writer.write(piece)
