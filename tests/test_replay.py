"""Replay captures as a live meter and read them back like a dongle would."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
import json
from pathlib import Path
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.frame import TicMode
from training.cli import main
from training.replay_player import (
    ReplayError,
    bytes_per_second,
    parse_tcp_address,
    play,
)
from training.replay_source import CaptureError, CaptureSource

if TYPE_CHECKING:
    from collections.abc import Iterator

FIXTURES = Path(__file__).parent / "fixtures" / "tic"


@contextmanager
def _replay(*args: str) -> Iterator[str]:
    """Run linky-activity replay in its own process; yield where it plays."""
    process = subprocess.Popen(
        [sys.executable, "-m", "training.cli", "replay", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        announcement = process.stdout.readline()
        assert announcement.startswith("replaying on "), process.stderr.read()
        yield announcement.removeprefix("replaying on ").strip()
    finally:
        process.kill()
        process.wait(timeout=5)


def _decoded_frames(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    status = main(["decode", "--json", "--no-redact", "--seconds", "10", *args])
    out, _ = capsys.readouterr()
    assert status == 0
    return [json.loads(line) for line in out.splitlines()]


def _capture_frames(name: str) -> list[dict[str, str]]:
    decoder = FrameDecoder()
    frames = decoder.feed((FIXTURES / name).read_bytes()) + decoder.flush()
    return [{label: g.value for label, g in frame.groups.items()} for frame in frames]


def test_replay_on_a_pseudo_terminal_reads_back_as_the_capture(
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = "historical-mono-tempo-pyteleinfo.txt"
    expected = _capture_frames(name)

    with _replay(str(FIXTURES / name), "--pty", "--speed", "20") as path:
        assert path.startswith("/dev/")
        frames = _decoded_frames(capsys, "--frames", "12", path)

    values = [{label: g["value"] for label, g in f["groups"].items()} for f in frames]
    # The reader may join mid-frame; every whole frame is one of the capture's.
    whole = [frame for frame in values if len(frame) == 16]
    assert len(whole) >= 10
    assert all(frame in expected for frame in whole)


def test_replay_on_loopback_tcp_reads_back_as_the_capture(
    capsys: pytest.CaptureFixture[str], socket_enabled: None
) -> None:
    name = "standard-tri-tempo-noise-teleinfonom.txt"
    expected = _capture_frames(name)

    with _replay(
        str(FIXTURES / name), "--tcp", "127.0.0.1:0", "--speed", "20"
    ) as where:
        frames = _decoded_frames(capsys, "--frames", "3", f"socket://{where}")

    values = [{label: g["value"] for label, g in f["groups"].items()} for f in frames]
    # A TCP client gets the replay from its first frame, in order.
    assert values == expected[:3]
    assert {frame["mode"] for frame in frames} == {"standard"}


def test_replay_refuses_to_serve_beyond_loopback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "replay",
            str(FIXTURES / "historical-mono-hc-wifinfo.txt"),
            "--tcp",
            "192.0.2.7:5000",
        ]
    )

    assert status == 1
    assert "not a loopback address" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("[::1]:0", ("::1", 0)),
        ("localhost:2000", ("localhost", 2000)),
        ("2000", ("127.0.0.1", 2000)),
        (":0", ("127.0.0.1", 0)),
    ],
)
def test_loopback_addresses_are_accepted(
    address: str, expected: tuple[str, int]
) -> None:
    assert parse_tcp_address(address, allow_remote=False) == expected


@pytest.mark.parametrize(
    "address", ["127.0.0.1:", "127.0.0.1:99999", "ser2net:2000", "10.0.0.2:80"]
)
def test_malformed_or_remote_addresses_are_refused(address: str) -> None:
    with pytest.raises(ReplayError):
        parse_tcp_address(address, allow_remote=False)


def test_text_dump_is_replayed_as_proper_frames() -> None:
    source = CaptureSource.from_file(
        FIXTURES / "standard-tri-prod-openhab.txt", loop=False
    )

    chunks = list(source.frames())

    assert source.mode is TicMode.STANDARD
    assert all(
        chunk.startswith(b"\x02\n") and chunk.endswith(b"\r\x03") for chunk in chunks
    )
    original = FrameDecoder()
    expected = original.feed((FIXTURES / "standard-tri-prod-openhab.txt").read_bytes())
    expected += original.flush()
    replayed = FrameDecoder().feed(b"".join(chunks))
    assert [frame.groups for frame in replayed] == [frame.groups for frame in expected]
    assert [len(frame.groups) for frame in replayed] == [38, 63, 63, 3]


def test_raw_replay_sends_the_capture_bytes_as_they_are() -> None:
    path = FIXTURES / "historical-tri-rxerrors-lains.txt"

    source = CaptureSource.from_file(path, raw=True, loop=False)

    assert b"".join(source.frames()) == path.read_bytes()


def test_looping_source_starts_again_after_the_last_frame() -> None:
    source = CaptureSource.from_file(FIXTURES / "spec-historical-mono-adps.txt")

    frames = source.frames()
    first_four = [next(frames) for _ in range(4)]

    assert first_four[3] == first_four[0]


def test_file_without_any_frame_cannot_be_replayed(tmp_path: Path) -> None:
    empty = tmp_path / "noise.bin"
    empty.write_bytes(bytes(range(256)) * 4)

    with pytest.raises(CaptureError, match="no valid TIC frame"):
        CaptureSource.from_file(empty)


async def test_bytes_never_leave_faster_than_the_line_rate() -> None:
    source = CaptureSource.from_file(
        FIXTURES / "historical-mono-hc-wifinfo.txt", loop=False
    )
    rate = bytes_per_second(source, 20.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    arrivals: list[tuple[float, int]] = []
    total = 0

    async def sink(piece: bytes) -> None:
        nonlocal total
        arrivals.append((loop.time() - started, total))
        total += len(piece)

    sent = await play(source, sink, 20.0)

    assert sent == total == len(next(source.frames()))
    # Each slice leaves no earlier than the bytes before it take on the line.
    assert all(at >= before / rate - 0.005 for at, before in arrivals)
