"""Fuzz the TIC decoder with a million inputs: it never raises nor passes a bad group.

Run by hand: `.venv/bin/python benchmarks/fuzz_decoder.py [--inputs N] [--seed S]`.

Half the inputs are arbitrary bytes, some of them drawn from the characters
TIC lines are made of so that they come close to being groups; the other half
are real frames from tests/fixtures/tic, mutated: bits flipped, the parity
bit set, bytes replaced, spans cut, doubled or inserted, control characters
dropped in, frames cut short or spliced together. Each input goes to a fresh
decoder in one to three pieces, in a fixed or the automatic mode, then the
decoder is flushed.

Every group of every frame the decoder returns must be one that a reference
check accepts in that input: a line between two control or line-end bytes
whose 6-bit checksum, computed here without any of the decoder's code,
matches by either method. Any exception, or any other group, stops the run
with the input that caused it.
"""

from __future__ import annotations

import argparse
from itertools import pairwise
from pathlib import Path
import random
import re
import sys
import time
from typing import Final

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.frame import Frame, TicMode

CAPTURES: Final = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tic"
# What TIC lines are made of: near misses of real groups come from these.
TIC_ALPHABET: Final = (
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+-. \t\r\n\x02\x03\x04"
    b"ADCOADSCPAPPSINSTSBASEHCHCHCHPEASTPTECIINSTPRM"
)
CONTROLS: Final = b"\x02\x03\x04\r\n\t "
_LINE_ENDS: Final = re.compile(rb"[\x02\x03\x04\r\n]")
_SP: Final = 0x20
_HT: Final = 0x09
_PARITY: Final = bytes(range(128)) * 2

type Triple = tuple[str, str | None, str]


def reference_groups(data: bytes) -> set[Triple]:
    """Return (label, horodate, value) of every line whose checksum holds.

    The checksum is the sum of the covered bytes, kept to 6 bits, plus 0x20.
    A line ending in SP then the checksum is historical: the sum covers the
    line up to the separator (method 1) or including it (method 2). A line
    ending in HT then the checksum is standard: the sum includes it.
    """
    found: set[Triple] = set()
    for line in _LINE_ENDS.split(data.translate(_PARITY)):
        if len(line) < 4:
            continue
        separator, received = line[-2], line[-1]
        text = line[:-2].decode("ascii")
        with_separator = (sum(line[:-1]) & 0x3F) + 0x20 == received
        if separator == _SP:
            without = (sum(line[:-2]) & 0x3F) + 0x20 == received
            label, space, value = text.partition(" ")
            if (with_separator or without) and space:
                found.add((label, None, value))
        elif separator == _HT and with_separator:
            fields = text.split("\t")
            if len(fields) == 2:
                found.add((fields[0], None, fields[1]))
            elif len(fields) == 3:
                found.add((fields[0], fields[1], fields[2]))
    return found


def real_frames() -> list[bytes]:
    """Return every frame of the real captures, as the bytes the line carried."""
    frames: list[bytes] = []
    for path in sorted(CAPTURES.glob("*.txt")):
        data = path.read_bytes()
        frames += [b"\x02" + part for part in data.split(b"\x02") if part.strip()]
        frames.append(data)
    return frames


class Fuzzer:
    """Make inputs: arbitrary bytes, or real frames with mutations."""

    def __init__(self, seed: int, seeds: list[bytes]) -> None:
        self.rng = random.Random(seed)
        self.seeds = seeds

    def arbitrary(self) -> bytes:
        """Return random bytes, half the time from the TIC alphabet."""
        rng = self.rng
        size = rng.randrange(0, 300)
        if rng.random() < 0.5:
            return rng.randbytes(size)
        return bytes(rng.choices(TIC_ALPHABET, k=size))

    def mutated(self) -> bytes:
        """Return a real frame changed by one to four mutations."""
        rng = self.rng
        data = bytearray(rng.choice(self.seeds))
        for _ in range(rng.randrange(1, 5)):
            self._mutate(data)
        return bytes(data)

    def _mutate(self, data: bytearray) -> None:
        """Change a frame in one random way."""
        rng = self.rng
        if not data:
            data.extend(rng.randbytes(8))
        at = rng.randrange(len(data))
        span = rng.randrange(1, 24)
        match rng.randrange(9):
            case 0:
                data[at] ^= 1 << rng.randrange(8)
            case 1:
                data[at] |= 0x80
            case 2:
                data[at] = rng.randrange(256)
            case 3:
                del data[at : at + span]
            case 4:
                data[at:at] = data[at : at + span]
            case 5:
                data[at:at] = rng.randbytes(span)
            case 6:
                data[at:at] = bytes((rng.choice(CONTROLS),))
            case 7:
                del data[at:]
            case _:
                other = rng.choice(self.seeds)
                data[at:] = other[rng.randrange(len(other)) :]

    def pieces(self, data: bytes) -> list[bytes]:
        """Cut an input into the one to three reads a line might deliver it in."""
        cuts = sorted(
            self.rng.randrange(len(data) + 1) for _ in range(self.rng.randrange(3))
        )
        bounds = [0, *cuts, len(data)]
        return [data[a:b] for a, b in pairwise(bounds)]


class FuzzError(Exception):
    """Report an input the decoder mishandled."""


def decode(
    pieces: list[bytes], mode: TicMode | None
) -> tuple[list[Frame], FrameDecoder]:
    """Decode an input's pieces with a fresh decoder and flush it."""
    decoder = FrameDecoder(mode)
    frames: list[Frame] = []
    for piece in pieces:
        frames += decoder.feed(piece)
    return frames + decoder.flush(), decoder


def check(data: bytes, frames: list[Frame]) -> int:
    """Check every group the decoder gave is in the input; return how many."""
    groups = [
        (group.label, group.horodate, group.value)
        for frame in frames
        for group in frame.groups.values()
    ]
    if groups:
        allowed = reference_groups(data)
        stray = [group for group in groups if group not in allowed]
        if stray:
            raise FuzzError(f"groups without a valid checksum: {stray!r}")
    return len(groups)


def run(inputs: int, seed: int) -> int:
    """Fuzz the decoder; print counts and time; return 1 on the first failure."""
    fuzzer = Fuzzer(seed, real_frames())
    modes = (None, TicMode.HISTORICAL, TicMode.STANDARD)
    counts = dict.fromkeys(("arbitrary", "mutated", "bytes", "frames", "groups"), 0)
    rejected = 0
    started = time.perf_counter()
    for index in range(inputs):
        kind = "arbitrary" if index % 2 == 0 else "mutated"
        data = fuzzer.arbitrary() if kind == "arbitrary" else fuzzer.mutated()
        mode = modes[index % 3]
        try:
            frames, decoder = decode(fuzzer.pieces(data), mode)
            counts["groups"] += check(data, frames)
        except Exception as err:
            print(f"input {index} ({kind}, mode {mode}): {err!r}", file=sys.stderr)
            print(f"input bytes: {data!r}", file=sys.stderr)
            return 1
        counts[kind] += 1
        counts["bytes"] += len(data)
        counts["frames"] += len(frames)
        rejected += decoder.rejected_groups
        if (index + 1) % 200_000 == 0:
            print(
                f"{index + 1} inputs, {time.perf_counter() - started:.0f} s", flush=True
            )
    elapsed = time.perf_counter() - started
    print(
        f"{inputs} inputs ({counts['arbitrary']} arbitrary, {counts['mutated']}"
        f" mutated real frames), {counts['bytes']} bytes, seed {seed}"
    )
    print(
        f"decoded {counts['frames']} frames holding {counts['groups']} groups, every"
        f" one with a checksum the reference check accepts; {rejected} rejected"
    )
    print(f"no exception; {elapsed:.1f} s, {inputs / elapsed:.0f} inputs/s")
    return 0


def main() -> int:
    """Parse the arguments and fuzz."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260105)
    args = parser.parse_args()
    return run(args.inputs, args.seed)


if __name__ == "__main__":
    raise SystemExit(main())
