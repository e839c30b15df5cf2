"""Give a replay the frames to play: the interface, and a capture file source."""

from __future__ import annotations

from dataclasses import dataclass
import itertools
import re
from typing import TYPE_CHECKING, Final, Protocol

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import encode_frame

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from custom_components.linky_activity.tic.frame import TicMode

# A raw capture is cut after each ETX, so that pacing and looping happen at
# frame boundaries.
_FRAME_END: Final = re.compile(rb"(?<=\x03)")


class FrameSource(Protocol):
    """Describe what a replay plays: the mode, and the bytes of frame after frame.

    The replay sends each item's bytes back to back at the mode's line rate,
    which is how a meter paces its frames. A capture file is one source; a
    power series from a dataset, encoded with `tic.encoder`, can be another.
    """

    @property
    def mode(self) -> TicMode:
        """Return the TIC mode, which sets the line rate."""
        ...

    def frames(self) -> Iterator[bytes]:
        """Yield the bytes of one frame after another; may never end."""
        ...


class CaptureError(Exception):
    """Say why a capture cannot be replayed, in words for the user."""


@dataclass(frozen=True, slots=True)
class CaptureSource:
    """Play a capture file's frames, once or looping.

    By default the valid frames are decoded and encoded again, which turns a
    text dump or a noisy capture into what a healthy meter sends; `raw` plays
    the file's bytes as they are, noise included.
    """

    mode: TicMode
    chunks: tuple[bytes, ...]
    loop: bool = True

    @classmethod
    def from_file(
        cls,
        path: Path,
        *,
        mode: TicMode | None = None,
        raw: bool = False,
        loop: bool = True,
    ) -> CaptureSource:
        """Read and check a capture, raising CaptureError if it holds no frame."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CaptureError(f"cannot read {path}: {error.strerror}") from error
        decoder = FrameDecoder(mode)
        frames = decoder.feed(data) + decoder.flush()
        if not frames:
            raise CaptureError(f"{path} holds no valid TIC frame")
        detected = mode or decoder.mode or frames[0].mode
        if raw:
            chunks = tuple(chunk for chunk in _FRAME_END.split(data) if chunk)
        else:
            chunks = tuple(
                encode_frame(
                    frame.groups.values(), frame.mode, method=decoder.checksum_method
                )
                for frame in frames
            )
        return cls(mode=detected, chunks=chunks, loop=loop)

    def frames(self) -> Iterator[bytes]:
        """Yield the capture's frames, forever if looping."""
        if self.loop:
            return itertools.cycle(self.chunks)
        return iter(self.chunks)
