"""Load the TIC captures and check their groups the simplest possible way.

The reference check here shares no code with the decoder: it splits a capture
at every control and line-end byte and keeps the lines whose 6-bit checksum
is right (either method for SP-separated groups) and whose label is made of
the characters labels use.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import TYPE_CHECKING

from custom_components.linky_activity.tic.decoder import FrameDecoder

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tic"
REAL_CAPTURES = sorted(
    path.name for path in FIXTURES.glob("*.txt") if not path.name.startswith("spec-")
)
SPEC_CAPTURES = sorted(path.name for path in FIXTURES.glob("spec-*.txt"))
TEXT_CAPTURES = (
    "historical-tri-base-openhab.txt",
    "historical-tri-base-nextdom24.txt",
    "standard-tri-prod-openhab.txt",
    "standard-tri-tempo-tasmota38.txt",
)

type Triple = tuple[str, str, str | None]


def capture(name: str) -> bytes:
    """Return the bytes of one capture."""
    return (FIXTURES / name).read_bytes()


def decode(
    data: bytes, *, chunk: int | None = None
) -> tuple[list[Frame], FrameDecoder]:
    """Decode a whole capture, optionally fed in chunks of `chunk` bytes."""
    decoder = FrameDecoder()
    frames: list[Frame] = []
    size = chunk or max(len(data), 1)
    for start in range(0, len(data), size):
        frames += decoder.feed(data[start : start + size])
    frames += decoder.flush()
    return frames, decoder


def triples(frames: list[Frame]) -> list[Triple]:
    """Flatten frames into (label, value, horodate), in the order received."""
    return [
        (group.label, group.value, group.horodate)
        for frame in frames
        for group in frame.groups.values()
    ]


def reference_checksum(covered: bytes) -> int:
    """Compute a TIC checksum character from its definition."""
    return (sum(covered) & 0x3F) + 0x20


def reference_group(line: bytes) -> Triple | None:
    """Check one line as a group, or return None."""
    if len(line) < 4:
        return None
    received, separator = line[-1], line[-2]
    if separator == 0x09:
        valid = received == reference_checksum(line[:-1])
        fields = line[:-2].split(b"\t")
    elif separator == 0x20:
        valid = received in (
            reference_checksum(line[:-2]),
            reference_checksum(line[:-1]),
        )
        fields = line[:-2].split(b" ", 1)
    else:
        return None
    if not valid or len(fields) not in (2, 3):
        return None
    if not re.fullmatch(rb"[A-Z][A-Z0-9+\-]*", fields[0]):
        return None
    text = [field.decode("ascii") for field in fields]
    if len(text) == 2:
        return text[0], text[1], None
    return text[0], text[2], text[1]


def reference_groups(data: bytes) -> list[Triple]:
    """Return every group of a capture that passes the reference check."""
    return [
        group
        for line in re.split(rb"[\x02\x03\x04\r\n]", data)
        if (group := reference_group(line)) is not None
    ]
