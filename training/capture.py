"""Open a TIC source, a capture file or a serial port, as a stream of byte chunks."""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, Final, Protocol

from custom_components.linky_activity.tic.frame import TicMode
from custom_components.linky_activity.tic.line import BAUD_RATES, DATA_BITS

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

URL_SCHEMES: Final = ("socket://", "rfc2217://", "esphome://", "tcp://")
# Small enough that a chunk's frames are still in the processor's cache when
# they are written out, large enough that reading costs nothing.
FILE_CHUNK: Final = 1 << 16
SERIAL_CHUNK: Final = 4096
READ_TIMEOUT_S: Final = 0.2


def add_mode_argument(parser: argparse.ArgumentParser) -> None:
    """Declare the --mode option decode and replay share."""
    parser.add_argument(
        "--mode",
        choices=("auto", *TicMode),
        default="auto",
        help="TIC mode; auto detects it from the stream (default)",
    )


def chosen_mode(value: str) -> TicMode | None:
    """Return the mode given with --mode, or None for auto."""
    return None if value == "auto" else TicMode(value)


class _Port(Protocol):
    """Describe the part of a serialx port this module uses."""

    def open(self) -> None:
        """Open the port."""
        ...

    def read(self, size: int, /) -> bytes:
        """Read up to `size` bytes."""
        ...

    def close(self) -> None:
        """Close the port."""
        ...


class SourceError(Exception):
    """Say why a source cannot be read, in words for the user."""


def is_serial_source(source: str) -> bool:
    """Tell whether a source names a serial port rather than a capture file."""
    if source.startswith(URL_SCHEMES):
        return True
    try:
        return stat.S_ISCHR(os.stat(source).st_mode)
    except OSError:
        return False


def read_file_chunks(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """Yield a capture file's bytes in large chunks."""
    try:
        with open(path, "rb") as capture:
            while chunk := capture.read(FILE_CHUNK):
                yield chunk
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from error


class SerialSource:
    """Read a serial port at a TIC mode's line settings, switching mode on demand."""

    def __init__(self, url: str, mode: TicMode) -> None:
        self.url = url
        self.mode = mode
        self._port = self._open(mode)

    def _open(self, mode: TicMode) -> _Port:
        """Open the port at the rate of `mode`, 7 data bits, even parity."""
        # Imported here so that decoding a file never pays for serial I/O.
        from serialx import Parity, serial_for_url  # noqa: PLC0415

        try:
            port: _Port = serial_for_url(
                self.url,
                baudrate=BAUD_RATES[mode],
                byte_size=DATA_BITS,
                parity=Parity.EVEN,
                stopbits=1,
                read_timeout=READ_TIMEOUT_S,
            )
            port.open()
        except Exception as error:
            raise SourceError(f"cannot open {self.url}: {error}") from error
        return port

    def switch(self, mode: TicMode) -> None:
        """Reopen the port at another mode's rate."""
        self.close()
        self.mode = mode
        self._port = self._open(mode)

    def read(self) -> bytes:
        """Return the bytes that arrived, waiting at most a fraction of a second."""
        try:
            return self._port.read(SERIAL_CHUNK)
        except Exception as error:
            raise SourceError(f"lost {self.url}: {error}") from error

    def close(self) -> None:
        """Close the port."""
        self._port.close()
