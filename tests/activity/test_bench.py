"""Specify the benchmark's report: figures a person reads, last line parsed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from training.cli import main

if TYPE_CHECKING:
    import pytest


def test_bench_replays_real_frames_and_ends_with_the_per_frame_cost(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["bench", "--days", "0.02"])

    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert re.fullmatch(r"per-frame: \d+(\.\d+)? us", lines[-1])
    assert any(line.startswith("model: ") for line in lines)
    assert re.fullmatch(r"load average: [\d.]+ [\d.]+ [\d.]+", lines[-2])
    for mode in ("historical", "standard"):
        (figures,) = [
            line for line in lines if line.startswith(f"{mode}: ") and "frames" in line
        ]
        frames, decoded = re.findall(r"(\d+) frames \((\d+) decoded\)", figures)[0]
        assert int(decoded) == int(frames) > 0
        assert re.search(rf"{mode}: detector memory after .* KB", "\n".join(lines))
