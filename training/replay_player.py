"""Send frames at a meter's line rate to loopback TCP clients or a pseudo-terminal."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import termios
import tty
from typing import TYPE_CHECKING, Final

from custom_components.linky_activity.tic.line import BAUD_RATES, BITS_PER_BYTE

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from training.replay_source import FrameSource

_LOGGER = logging.getLogger(__name__)

# Bytes are sent in slices this long, so the pace stays close to the line's.
SLICE_S: Final = 0.05
_LAST_BYTES_S: Final = 0.5
DEFAULT_HOST: Final = "127.0.0.1"

type Sink = Callable[[bytes], Awaitable[None]]


class ReplayError(Exception):
    """Say why a replay cannot start, in words for the user."""


def bytes_per_second(source: FrameSource, speed: float) -> float:
    """Return the rate at which to send: the mode's line rate times `speed`."""
    return BAUD_RATES[source.mode] / BITS_PER_BYTE * speed


async def play(source: FrameSource, sink: Sink, speed: float) -> int:
    """Send the source's frames to `sink` at line pace; return the bytes sent.

    The schedule is kept against the clock rather than sleeping a fixed time
    per slice, so the pace does not drift however long the replay runs.
    """
    rate = bytes_per_second(source, speed)
    step = max(1, round(rate * SLICE_S))
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent = 0
    for frame in source.frames():
        for start in range(0, len(frame), step):
            piece = frame[start : start + step]
            await sink(piece)
            sent += len(piece)
            delay = started + sent / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
    return sent


def parse_tcp_address(address: str, *, allow_remote: bool) -> tuple[str, int]:
    """Split [HOST:]PORT, refusing a host that is not loopback unless allowed.

    Without a host the replay listens on 127.0.0.1.
    """
    host, _, port_text = address.rpartition(":")
    host = host.removeprefix("[").removesuffix("]") or DEFAULT_HOST
    if not port_text.isdecimal():
        raise ReplayError(f"expected [HOST:]PORT, got {address!r}")
    port = int(port_text)
    if port > 65535:
        raise ReplayError(f"port {port} is out of range")
    if not allow_remote and not _is_loopback(host):
        raise ReplayError(
            f"{host} is not a loopback address; pass --allow-remote to serve on it"
        )
    return host, port


def _is_loopback(host: str) -> bool:
    """Tell whether a host name or address stays on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def serve_tcp(
    source: FrameSource,
    host: str,
    port: int,
    speed: float,
    *,
    once: bool,
    on_listening: Callable[[str], None],
) -> None:
    """Serve the replay on TCP: each client gets the frames from the start.

    With `once`, the replay stops after the first client has had every frame.
    """
    finished = asyncio.Event()

    async def client(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def send(piece: bytes) -> None:
            writer.write(piece)
            await writer.drain()

        try:
            await play(source, send, speed)
        except ConnectionError, OSError:
            _LOGGER.debug("Replay client went away")
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
        if once:
            finished.set()

    try:
        server = await asyncio.start_server(client, host, port)
    except OSError as error:
        raise ReplayError(
            f"cannot listen on {host}:{port}: {error.strerror}"
        ) from error
    async with server:
        bound = server.sockets[0].getsockname()
        on_listening(f"{host}:{bound[1]}")
        if once:
            await finished.wait()
        else:
            await server.serve_forever()


async def serve_pty(
    source: FrameSource,
    speed: float,
    *,
    on_listening: Callable[[str], None],
) -> None:
    """Play the replay on a new pseudo-terminal, whose path is announced.

    Like a real line, the replay does not wait for a reader: while nobody
    reads, what would overflow the terminal's buffer is thrown away.
    """
    controller, terminal = os.openpty()
    try:
        tty.setraw(terminal)
        os.set_blocking(controller, False)
        on_listening(os.ttyname(terminal))

        async def send(piece: bytes) -> None:
            try:
                os.write(controller, piece)
            except BlockingIOError:
                # Nobody reads: drop the stale bytes so a reader that comes
                # later starts with fresh ones.
                termios.tcflush(terminal, termios.TCIFLUSH)

        await play(source, send, speed)
        # Give a reader a moment to take the last bytes before the end.
        await asyncio.sleep(_LAST_BYTES_S)
    finally:
        os.close(controller)
        os.close(terminal)
