"""Measure the TIC decoder against pyteleinfo, and linky-activity decode end to end.

Run by hand: `.venv/bin/python benchmarks/bench_decoder.py [--repeat N]`.

pyteleinfo (the parser Home Assistant core uses) decodes one whole historical
frame at a time; ours is fed the same frames as one byte stream and does the
framing too. Both decode the frames of the real historical captures that
pyteleinfo accepts, repeated to a few thousand frames; each figure is the
best of several runs, ours and theirs alternating, to keep other load on the
machine out of it (the load average is printed too). Because our decoder
memoises groups that repeat unchanged, a second stream built from the same
frames with the power, current and index changing in every frame shows the
cost when they do not.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import partial
import os
from pathlib import Path
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from typing import TYPE_CHECKING, Final

from teleinfo import codec

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import encode_frame, format_decimal
from custom_components.linky_activity.tic.frame import Group, TicMode

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT: Final = Path(__file__).resolve().parents[1]
CAPTURES: Final = ROOT / "tests" / "fixtures" / "tic"
HISTORICAL_CAPTURES: Final = (
    "historical-mono-base-enedistic2ws.txt",
    "historical-mono-hc-wifinfo.txt",
    "historical-mono-tempo-pyteleinfo.txt",
    "historical-mono-corrupt-wifinfo.txt",
    "historical-tri-base-lains.txt",
)
STREAM_FRAMES: Final = 3000
END_TO_END_FRAMES: Final = 30_000
TARGET_RATIO: Final = 5.0
_FRAME: Final = re.compile(rb"\x02[^\x02\x03]*\x03")


@dataclass(frozen=True, slots=True)
class Row:
    """Hold one line of the comparison table."""

    name: str
    frames: int
    theirs_us: float
    ours_us: float

    @property
    def ratio(self) -> float:
        """Return how many times faster ours is."""
        return self.theirs_us / self.ours_us


def pyteleinfo_frames(name: str) -> list[bytes]:
    """Return the whole frames of a capture that pyteleinfo decodes."""
    return [
        frame
        for frame in _FRAME.findall((CAPTURES / name).read_bytes())
        if _pyteleinfo_accepts(frame)
    ]


def _pyteleinfo_accepts(frame: bytes) -> bool:
    """Tell whether pyteleinfo decodes a frame without an error."""
    try:
        codec.decode(frame)
    except Exception:
        # pyteleinfo raises several kinds of errors, all meaning "not valid".
        return False
    return True


def repeated(frames: list[bytes], count: int) -> list[bytes]:
    """Repeat frames in order until there are `count` of them."""
    return [frames[index % len(frames)] for index in range(count)]


def varying(frames: list[bytes], count: int) -> list[bytes]:
    """Rebuild frames with PAPP, IINST and the index changing in every frame."""
    template = FrameDecoder().feed(frames[0])[0]
    mode = TicMode.HISTORICAL
    index_label = next(
        label for label in ("BASE", "HCHC", "BBRHCJB") if label in template.groups
    )
    generator = random.Random(1)
    power, index_wh = 2000, float(template.groups[index_label].value)
    built = []
    for _ in range(count):
        power = min(9000, max(100, power + generator.randint(-30, 30) * 10))
        index_wh += power * 1.5 / 3600
        groups = dict(template.groups)
        groups["PAPP"] = Group("PAPP", format_decimal("PAPP", power, mode))
        groups["IINST"] = Group(
            "IINST", format_decimal("IINST", round(power / 230), mode)
        )
        groups[index_label] = Group(
            index_label, format_decimal(index_label, int(index_wh), mode)
        )
        built.append(encode_frame(groups.values(), mode))
    return built


def pyteleinfo_decode_all(frames: list[bytes]) -> None:
    """Decode every frame with pyteleinfo."""
    for frame in frames:
        codec.decode(frame)


def best_of_both(
    repeat: int, ours: Callable[[], object], theirs: Callable[[], object]
) -> tuple[float, float]:
    """Return the shortest of `repeat` timed runs of each, in seconds.

    The runs alternate, so that other work on the machine, which comes and
    goes, weighs on both sides alike.
    """
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for side, run in enumerate((ours, theirs)):
            started = time.perf_counter()
            run()
            best[side] = min(best[side], time.perf_counter() - started)
    return best[0], best[1]


def compare(name: str, frames: list[bytes], repeat: int) -> Row:
    """Time both decoders on the same frames; ours must find them all."""
    stream = b"".join(frames)
    decoded = len(FrameDecoder().feed(stream))
    if decoded != len(frames):
        raise SystemExit(f"{name}: decoded {decoded} frames out of {len(frames)}")
    ours, theirs = best_of_both(
        repeat,
        lambda: FrameDecoder().feed(stream),
        partial(pyteleinfo_decode_all, frames),
    )
    scale = 1e6 / len(frames)
    return Row(name, len(frames), theirs * scale, ours * scale)


def end_to_end(frames: list[bytes], repeat: int) -> tuple[float, float]:
    """Time `linky-activity decode --json` on a capture of these frames.

    Return its best time and pyteleinfo's on the same frames, in seconds.
    """
    command = shutil.which("linky-activity", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("linky-activity is not installed in this environment")
    with tempfile.TemporaryDirectory() as folder:
        capture = Path(folder) / "capture.bin"
        capture.write_bytes(b"".join(frames))

        def run() -> None:
            subprocess.run(  # noqa: S603 - our own command on our own file
                [command, "decode", "--json", str(capture)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )

        return best_of_both(repeat, run, partial(pyteleinfo_decode_all, frames))


def load_average() -> str:
    """Describe the machine's load over the last 1, 5 and 15 minutes."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def print_table(rows: list[Row]) -> None:
    """Print the side-by-side comparison."""
    heading = f"{'capture':<44} {'frames':>6}  {'pyteleinfo':>21}"
    print(f"{heading}  {'linky_activity':>21}  ratio")
    for row in rows:
        print(
            f"{row.name:<44} {row.frames:>6}"
            f"  {1e6 / row.theirs_us:>9.0f} f/s {row.theirs_us:>6.1f} us"
            f"  {1e6 / row.ours_us:>9.0f} f/s {row.ours_us:>6.1f} us"
            f"  {row.ratio:>5.1f}x"
        )


def main() -> None:
    """Run every measurement and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure")
    args = parser.parse_args()
    started_load = load_average()

    real = {name: pyteleinfo_frames(name) for name in HISTORICAL_CAPTURES}
    refused = [name for name, frames in real.items() if not frames]
    real = {name: frames for name, frames in real.items() if frames}
    every = [frame for frames in real.values() for frame in frames]
    tempo = real["historical-mono-tempo-pyteleinfo.txt"]
    rows = [
        compare(name, repeated(frames, STREAM_FRAMES), args.repeat)
        for name, frames in real.items()
    ]
    rows.append(compare("all of them", repeated(every, STREAM_FRAMES), args.repeat))
    rows.append(
        compare(
            "tempo, PAPP/IINST/index varying",
            varying(tempo, STREAM_FRAMES),
            args.repeat,
        )
    )
    print(
        f"Historical frames, {STREAM_FRAMES} a run,"
        f" best of {args.repeat} alternating runs"
    )
    print_table(rows)
    if refused:
        print(f"(pyteleinfo decodes no frame of: {', '.join(refused)})")

    print(
        f"\nlinky-activity decode --json, end to end (process start included),"
        f" {END_TO_END_FRAMES} frames, against pyteleinfo decoding the same"
        f" frames in this process, best of {args.repeat} alternating runs:"
    )
    for label, frames in (
        ("real frames repeated", repeated(every, END_TO_END_FRAMES)),
        ("PAPP/IINST/index varying", varying(tempo, END_TO_END_FRAMES)),
    ):
        ours, theirs = end_to_end(frames, args.repeat)
        print(
            f"  {label:<26} decode --json {ours:5.2f} s"
            f" ({END_TO_END_FRAMES / ours:>6.0f} f/s),"
            f" pyteleinfo {theirs:5.2f} s ({END_TO_END_FRAMES / theirs:>6.0f} f/s):"
            f" {theirs / ours:4.1f}x"
        )
    print(f"\nGoal: at least {TARGET_RATIO:.0f}x pyteleinfo's throughput.")
    print(f"Load average before and after: {started_load} -> {load_average()}")


if __name__ == "__main__":
    main()
