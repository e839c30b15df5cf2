"""Listen to a port once and tell what is on it: a meter, noise, or nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, override

from .connection import AUTO_MODE_ORDER
from .serial_link import open_serial_link
from .tic.protocol import TicStreamProtocol
from .tic.reading import MeterReading, reading_from_frame

if TYPE_CHECKING:
    from .tic.frame import Frame, TicMode

# A historical frame takes about a second at 1200 baud and the meter pauses
# between frames, so a few seconds always hold one whole frame.
LISTEN_WINDOW_S: Final = 6.0
# At the wrong rate a serial line still delivers bytes, all of them garbage:
# past a few frames' worth without a valid frame, waiting longer will not help.
MAX_BYTES_WITHOUT_FRAME: Final = 4096


class ProbeError(Exception):
    """Say why a port did not give a meter reading; `reason` is a flow error key."""

    reason = "unknown"


class CannotOpenError(ProbeError):
    """Report a port that cannot be opened."""

    reason = "cannot_open"


class NoDataError(ProbeError):
    """Report a port that opened but stayed silent."""

    reason = "no_data"


class NoValidFrameError(ProbeError):
    """Report a port that sent bytes but no frame whose checksums all held."""

    reason = "no_valid_frame"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """Hold what a successful probe read: the mode and the first named reading."""

    mode: TicMode
    reading: MeterReading
    meter_address: str


class _ProbeProtocol(TicStreamProtocol):
    """Stop at the first frame that names its meter, or on too much noise."""

    def __init__(self, mode: TicMode | None) -> None:
        super().__init__(self._take_frame, mode)
        self.done: asyncio.Future[Frame | None] = (
            asyncio.get_running_loop().create_future()
        )

    def _take_frame(self, frame: Frame) -> None:
        """Keep the first frame that carries a meter address."""
        if not self.done.done() and reading_from_frame(frame).meter_address:
            self.done.set_result(frame)

    @override
    def data_received(self, data: bytes) -> None:
        """Decode the bytes, then give up early if they are only noise."""
        super().data_received(data)
        if (
            not self.done.done()
            and self.decoder.frames == 0
            and self.bytes_received > MAX_BYTES_WITHOUT_FRAME
        ):
            self.done.set_result(None)


async def _listen(url: str, rate_of: TicMode, mode: TicMode | None) -> _ProbeProtocol:
    """Open the port at one mode's rate and listen until a frame or the deadline."""
    protocol = _ProbeProtocol(mode)
    try:
        link = await open_serial_link(url, rate_of, protocol)
    except Exception as err:
        # Any failure to open (missing device, refused connection, unknown
        # URL scheme, proxy not loaded) is the same answer for the user.
        raise CannotOpenError(str(err) or type(err).__name__) from err
    try:
        ends: set[asyncio.Future[Any]] = {protocol.done, link.ended}
        await asyncio.wait(ends, timeout=LISTEN_WINDOW_S)
        # A line that closes before giving a meter went away while listened to
        # (a dongle pulled out, a bridge that reset): that is no "no data".
        vanished = link.ended.done() and not protocol.done.done()
    finally:
        await link.close()
    if vanished:
        raise CannotOpenError(link.end_reason())
    return protocol


async def probe_port(url: str, mode: TicMode | None) -> ProbeResult:
    """Read one full frame from a port, trying both line rates when mode is None."""
    saw_data = False
    for rate_of in AUTO_MODE_ORDER if mode is None else (mode,):
        protocol = await _listen(url, rate_of, mode)
        saw_data = saw_data or protocol.bytes_received > 0
        if protocol.done.done() and (frame := protocol.done.result()) is not None:
            reading = reading_from_frame(frame)
            if reading.meter_address:
                return ProbeResult(
                    mode=frame.mode,
                    reading=reading,
                    meter_address=reading.meter_address,
                )
    if saw_data:
        raise NoValidFrameError
    raise NoDataError
