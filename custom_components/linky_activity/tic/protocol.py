"""Feed a TIC stream from asyncio and hand finished frames to a callback."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from .decoder import FrameDecoder

if TYPE_CHECKING:
    from collections.abc import Callable

    from .frame import Frame, TicMode

_LOGGER = logging.getLogger(__name__)


def _consume(future: asyncio.Future[None]) -> None:
    """Retrieve a finished future's exception so it counts as handled."""
    if not future.cancelled():
        future.exception()


class TicStreamProtocol(asyncio.Protocol):
    """Decode the bytes of a serial or socket transport as they arrive.

    Each finished frame goes to `on_frame`, on the event loop, in order.
    `wait_closed()` returns once the transport is gone, raising the error that
    ended it, if any, so the owner can reconnect.
    """

    def __init__(
        self, on_frame: Callable[[Frame], None], mode: TicMode | None = None
    ) -> None:
        self.decoder = FrameDecoder(mode)
        self.transport: asyncio.BaseTransport | None = None
        self.bytes_received = 0
        self._on_frame = on_frame
        self._closed: asyncio.Future[None] | None = None

    def _closed_future(self) -> asyncio.Future[None]:
        """Return the future that completes when the connection is lost."""
        if self._closed is None:
            self._closed = asyncio.get_running_loop().create_future()
            # Nobody may be waiting: mark the error as seen so asyncio does not
            # report it a second time when the future is collected.
            self._closed.add_done_callback(_consume)
        return self._closed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport and start from a clean decoder state."""
        self.transport = transport
        self.decoder.reset()
        self._closed_future()

    def data_received(self, data: bytes) -> None:
        """Decode the bytes and hand out every frame they complete."""
        self.bytes_received += len(data)
        for frame in self.decoder.feed(data):
            try:
                self._on_frame(frame)
            except Exception:
                # A failing consumer must not stop the stream: the next frame
                # may well be handled, and the error is the consumer's bug.
                _LOGGER.exception("Frame callback failed")

    def connection_lost(self, exc: Exception | None) -> None:
        """Record why the connection ended and wake whoever waits for it."""
        self.transport = None
        closed = self._closed_future()
        if closed.done():
            return
        if exc is None:
            closed.set_result(None)
        else:
            closed.set_exception(exc)

    async def wait_closed(self) -> None:
        """Wait until the connection is lost, raising its error if it had one."""
        await self._closed_future()

    def close(self) -> None:
        """Close the transport, if it is still open."""
        if self.transport is not None:
            self.transport.close()
