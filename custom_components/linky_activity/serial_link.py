"""Open the meter's serial line through serialx, with the TIC line settings."""

from __future__ import annotations

import asyncio
from contextlib import suppress
import errno
import logging
from typing import TYPE_CHECKING, Final

from serialx import Parity, StopBits, create_serial_connection

from .tic.line import BAUD_RATES, DATA_BITS

if TYPE_CHECKING:
    from .tic.frame import TicMode
    from .tic.protocol import TicStreamProtocol

_LOGGER = logging.getLogger(__name__)

OPEN_TIMEOUT_S: Final = 10.0
CLOSE_TIMEOUT_S: Final = 5.0


def _retrieve(task: asyncio.Task[None]) -> None:
    """Mark the error that ended a line as seen: the owner reads it if it cares."""
    if not task.cancelled():
        task.exception()


class SerialLink:
    """Hold one open line: its transport, its protocol and the wait for its end."""

    def __init__(
        self, transport: asyncio.BaseTransport, protocol: TicStreamProtocol
    ) -> None:
        self.transport = transport
        self.protocol = protocol
        self.ended: asyncio.Task[None] = asyncio.get_running_loop().create_task(
            protocol.wait_closed()
        )
        self.ended.add_done_callback(_retrieve)

    def end_reason(self) -> str:
        """Say why the line ended, once `ended` is done."""
        error = None if self.ended.cancelled() else self.ended.exception()
        return f"line closed ({error or 'end of stream'})"

    async def close(self) -> None:
        """Close the line and wait, bounded, until the port is released."""
        self.transport.close()
        with suppress(Exception, TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await asyncio.wait({self.ended})
        if not self.ended.done():
            self.ended.cancel()
            with suppress(asyncio.CancelledError):
                await self.ended


async def open_serial_link(
    url: str, rate_of: TicMode, protocol: TicStreamProtocol
) -> SerialLink:
    """Open a port (path, socket://, rfc2217:// or a proxy URL) at a mode's rate.

    Pseudo-terminals (socat bridges) cannot store 7-bit even parity, and
    some systems then refuse the settings outright. Such a port is opened
    again as 8N1: the decoder clears the parity bit that then arrives as
    bit 7, so the frames read the same.
    """
    try:
        return await _open(
            url, rate_of, protocol, byte_size=DATA_BITS, parity=Parity.EVEN
        )
    except OSError as err:
        if err.errno != errno.EINVAL:
            raise
    _LOGGER.debug("%s refuses 7E1, reading it as 8N1", url)
    return await _open(url, rate_of, protocol, byte_size=8, parity=Parity.NONE)


async def _open(
    url: str,
    rate_of: TicMode,
    protocol: TicStreamProtocol,
    *,
    byte_size: int,
    parity: Parity,
) -> SerialLink:
    """Open a port with given character settings, bounded in time.

    A remote port whose host is gone can otherwise hang in the TCP connect.
    """
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(OPEN_TIMEOUT_S):
        transport, _ = await create_serial_connection(
            loop,
            lambda: protocol,
            url,
            baudrate=BAUD_RATES[rate_of],
            parity=parity,
            stopbits=StopBits.ONE,
            byte_size=byte_size,
        )
    return SerialLink(transport, protocol)
