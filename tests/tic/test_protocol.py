"""Feed the asyncio protocol from a real loopback socket."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from custom_components.linky_activity.tic.protocol import TicStreamProtocol

from .captures import capture

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame


async def test_frames_streamed_over_a_loopback_socket_reach_the_callback(
    socket_enabled: None,
) -> None:
    data = capture("historical-tri-base-lains.txt")

    async def serve(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for start in range(0, len(data), 100):
            writer.write(data[start : start + 100])
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    received: list[Frame] = []
    loop = asyncio.get_running_loop()
    async with server:
        _, protocol = await loop.create_connection(
            lambda: TicStreamProtocol(received.append), "127.0.0.1", port
        )
        await asyncio.wait_for(protocol.wait_closed(), timeout=5)

    assert [len(frame.groups) for frame in received] == [16] * 6
    assert protocol.bytes_received == len(data)
    assert protocol.decoder.rejected_groups == 1


async def test_a_failing_callback_does_not_stop_the_stream() -> None:
    data = capture("historical-mono-tempo-pyteleinfo.txt")
    calls: list[int] = []

    def fragile(frame: Frame) -> None:
        calls.append(len(frame.groups))
        if len(calls) == 1:
            raise ValueError("consumer bug")

    protocol = TicStreamProtocol(fragile)
    protocol.data_received(data)

    assert calls == [16] * 10
