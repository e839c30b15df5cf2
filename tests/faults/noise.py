"""Build what a bad line carries instead of frames: noise, cut frames, a GPS."""

from __future__ import annotations

from functools import reduce
from operator import xor
import random
from typing import TYPE_CHECKING

from custom_components.linky_activity.tic.frame import TicMode

from .lines import bytes_source

if TYPE_CHECKING:
    from training.replay_source import CaptureSource


def noise(seed: int, size: int) -> bytes:
    """Return random bytes, as a line picking up interference carries."""
    return random.Random(seed).randbytes(size)


def cut_frames(source: CaptureSource, seed: int) -> CaptureSource:
    """Return a meter's frames, each cut short at a random place and followed by noise.

    What is left of each frame is real and its groups keep their checksums;
    what follows is garbage, as when a line drops out for a moment.
    """
    rng = random.Random(seed)
    chunks = tuple(
        frame[: rng.randrange(1, len(frame))] + rng.randbytes(rng.randrange(20, 200))
        for frame in source.chunks
    )
    return bytes_source(source.mode, *chunks)


def _nmea(body: str) -> bytes:
    """Return one NMEA 0183 sentence with its checksum and line end."""
    checksum = reduce(xor, body.encode("ascii"), 0)
    return f"${body}*{checksum:02X}\r\n".encode("ascii")


def gps_receiver() -> CaptureSource:
    """Return what a GPS receiver sends at 9600 baud: NMEA sentences, not TIC."""
    sentences = [
        _nmea("GPGGA,092750.000,4851.3504,N,00221.1221,E,1,8,1.03,61.7,M,55.2,M,,"),
        _nmea("GPGSA,A,3,10,07,05,02,29,04,08,13,,,,,1.72,1.03,1.38"),
        _nmea("GPRMC,092750.000,A,4851.3504,N,00221.1221,E,0.02,31.66,280524,,,A"),
        _nmea("GPVTG,31.66,T,,M,0.02,N,0.04,K,A"),
    ]
    return bytes_source(TicMode.STANDARD, b"".join(sentences))
