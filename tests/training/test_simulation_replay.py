"""Replay a dataset house as a live meter and read it back like a dongle would."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
from pathlib import Path
import subprocess
import sys
from typing import TYPE_CHECKING

import numpy as np
import pytest

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.frame import TicMode
from custom_components.linky_activity.tic.reading import reading_from_frame
from training.cli import main
from training.datasets.refit import read_refit
from training.simulation import MeterConfig, simulate_meter
from training.simulation.replay_source import DatasetSource, dataset_source

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame

REFIT = Path(__file__).parents[1] / "fixtures" / "datasets" / "refit"


def expected_va(mode: TicMode, count: int, seed: int = 0) -> list[float]:
    """Return the first simulated apparent powers of REFIT House_2."""
    recording = read_refit(REFIT / "House_2.csv")
    config = MeterConfig(mode=mode)
    chunk = next(simulate_meter(recording, seed=seed, config=config))
    return chunk.apparent_power_va[:count].tolist()


def decoded(data: bytes, mode: TicMode) -> list[Frame]:
    """Decode whole frames from bytes."""
    return FrameDecoder(mode).feed(data)


@pytest.mark.parametrize("mode", list(TicMode))
def test_dataset_source_sends_one_frame_per_simulated_reading(mode: TicMode) -> None:
    source = DatasetSource(read_refit(REFIT / "House_2.csv"), mode=mode, loop=False)
    frames = decoded(b"".join(itertools.islice(source.frames(), 50)), mode)

    assert source.mode is mode
    assert [reading_from_frame(f).apparent_power_va for f in frames] == expected_va(
        mode, 50
    )


def test_a_looping_dataset_source_starts_the_house_again() -> None:
    recording = read_refit(REFIT / "House_2.csv")
    assert recording.aggregate_w is not None
    short = dataclasses.replace(
        recording,
        timestamps_s=recording.timestamps_s[:20],
        aggregate_w=recording.aggregate_w[:20],
        channels=(),
    )
    once = list(DatasetSource(short, loop=False).frames())
    looping = list(
        itertools.islice(DatasetSource(short, loop=True).frames(), 2 * len(once))
    )

    assert looping == once + once


async def _read_replay(port: int, seconds: float) -> bytes:
    """Read what a replay sends on loopback for a while."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), timeout=5
    )
    received = b""
    try:
        async with asyncio.timeout(seconds):
            while len(received) < 2000:
                piece = await reader.read(4096)
                if not piece:
                    break
                received += piece
    except TimeoutError:
        pass
    finally:
        writer.close()
    return received


def test_replay_of_a_dataset_house_on_loopback_reads_back_as_the_simulation(
    socket_enabled: None,
) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "training.cli",
            "replay",
            "--dataset",
            str(REFIT),
            "--house",
            "House_2",
            "--mode",
            "standard",
            "--tcp",
            "127.0.0.1:0",
            "--speed",
            "50",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        announcement = process.stdout.readline()
        assert announcement.startswith("replaying on 127.0.0.1:"), process.stderr
        port = int(announcement.strip().rsplit(":", 1)[1])
        data = asyncio.run(_read_replay(port, seconds=10))
    finally:
        process.kill()
        process.wait(timeout=5)

    frames = decoded(data, TicMode.STANDARD)
    assert len(frames) >= 5
    shown = [reading_from_frame(frame).apparent_power_va for frame in frames]
    assert shown == expected_va(TicMode.STANDARD, len(frames))
    assert {frame.groups["ADSC"].value for frame in frames} == {"000000000000"}


def test_replay_of_an_unknown_house_names_the_houses_found(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "replay",
            "--dataset",
            str(REFIT),
            "--house",
            "House_99",
            "--tcp",
            "127.0.0.1:0",
        ]
    )

    assert status == 1
    error = capsys.readouterr().err
    assert "no house 'House_99'" in error
    assert "refit/House_2" in error


@pytest.mark.parametrize(
    "extra", [[], [str(REFIT / "House_2.csv"), "--dataset", str(REFIT)]]
)
def test_replay_needs_either_a_capture_or_a_dataset(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", *extra, "--tcp", "127.0.0.1:0"]) == 2
    assert "either a capture file or --dataset" in capsys.readouterr().err


def test_replay_refuses_a_malformed_off_peak_schedule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        ["replay", "--dataset", str(REFIT), "--off-peak", "22h", "--tcp", "127.0.0.1:0"]
    )

    assert status == 1
    assert "HH:MM-HH:MM" in capsys.readouterr().err


def test_background_option_replays_the_house_with_a_water_heater() -> None:
    args = argparse.Namespace(
        dataset=REFIT,
        house="House_2",
        seed=3,
        background=True,
        off_peak="22:00-06:00",
        start=None,
    )
    source = dataset_source(args, None, loop=False)
    plain = read_refit(REFIT / "House_2.csv")

    assert source.mode is TicMode.HISTORICAL
    names = [channel.name for channel in source.recording.channels]
    assert "simulated water heater" in names
    assert source.recording.aggregate_w is not None
    assert plain.aggregate_w is not None
    assert np.sum(source.recording.aggregate_w) > np.sum(plain.aggregate_w)
