"""Decode TIC frames from a capture file or a serial port: linky-activity decode."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING, Final

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.frame import TicMode
from training.capture import (
    SerialSource,
    SourceError,
    add_mode_argument,
    chosen_mode,
    is_serial_source,
    read_file_chunks,
)
from training.frame_output import FrameWriter

if TYPE_CHECKING:
    from collections.abc import Iterator

    from custom_components.linky_activity.tic.frame import Frame

HELP: Final = (
    "Decode TIC frames from a capture file (raw bytes or a text dump, one group"
    " a line) or a serial port (device path, socket://host:port,"
    " rfc2217://host:port) and print each valid frame; a summary of valid and"
    " rejected groups goes to standard error."
)
# In auto mode on a serial port, a rate that yields no valid group within this
# time is given up for the other one.
_PROBE_SECONDS: Final = 4.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the decode subcommand's arguments."""
    parser.add_argument("source", help="capture file or serial port URL")
    add_mode_argument(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help='print JSON lines: {"mode": ..., "groups": {LABEL: {"value": ...,'
        ' "horodate": ...}}}',
    )
    parser.add_argument(
        "--redact",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="mask the meter serial number (ADCO/ADSC) and the PRM, so the"
        " output can be pasted in a bug report (default: on)",
    )
    parser.add_argument("--frames", type=int, metavar="N", help="stop after N frames")
    parser.add_argument(
        "--seconds",
        type=float,
        metavar="S",
        help="stop reading a serial port after S seconds",
    )


def run(args: argparse.Namespace) -> int:
    """Decode the source and print its frames, then the summary."""
    mode = chosen_mode(args.mode)
    decoder = FrameDecoder(mode)
    writer = FrameWriter(sys.stdout.buffer, as_json=args.json, redact=args.redact)
    if is_serial_source(args.source):
        batches = _serial_batches(args.source, mode, decoder, args.seconds)
    else:
        # A plain path string rather than pathlib: the command starts faster.
        path = args.source
        if not os.path.isfile(path):
            print(f"error: no such capture file or port: {path}", file=sys.stderr)
            return 2
        batches = _file_batches(path, decoder)
    status = 0
    seen: TicMode | None = None
    try:
        for batch in batches:
            if batch:
                seen = batch[-1].mode
            if args.frames is not None:
                batch = batch[: args.frames - writer.written]  # noqa: PLW2901
            writer.write(batch)
            if args.frames is not None and writer.written >= args.frames:
                break
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        # Ctrl-C is how a live decode normally ends: still give the summary.
        status = 0
    finally:
        sys.stdout.flush()
        print(summary(decoder, seen), file=sys.stderr)
    return status


def _file_batches(path: str, decoder: FrameDecoder) -> Iterator[list[Frame]]:
    """Yield the frames of a capture file, a chunk's worth at a time."""
    for chunk in read_file_chunks(path):
        yield decoder.feed(chunk)
    yield decoder.flush()


def _serial_batches(
    url: str, mode: TicMode | None, decoder: FrameDecoder, seconds: float | None
) -> Iterator[list[Frame]]:
    """Yield the frames read from a serial port, until `seconds` have passed.

    In auto mode the port is opened at the standard rate first and reopened
    at the other rate whenever one yields no valid group for a few seconds.
    """
    source = SerialSource(url, mode or TicMode.STANDARD)
    started = opened = time.monotonic()
    try:
        while seconds is None or time.monotonic() - started < seconds:
            yield decoder.feed(source.read())
            if (
                mode is None
                and decoder.valid_groups == 0
                and time.monotonic() - opened > _PROBE_SECONDS
            ):
                source.switch(_other(source.mode))
                decoder.reset()
                opened = time.monotonic()
    finally:
        source.close()


def _other(mode: TicMode) -> TicMode:
    """Return the other TIC mode."""
    return TicMode.HISTORICAL if mode is TicMode.STANDARD else TicMode.STANDARD


def summary(decoder: FrameDecoder, seen: TicMode | None = None) -> str:
    """Describe what the decoder saw, in one line.

    `seen` is the mode of the last frame, shown when too few frames came for
    the decoder to settle the mode.
    """
    profile = decoder.profile
    if decoder.mode is not None:
        mode = str(decoder.mode)
    else:
        mode = f"{seen} (not settled)" if seen is not None else "unknown"
    phases = profile.phases or "not settled"
    producer = {None: "not settled", True: "yes", False: "no"}[profile.producer]
    return (
        f"{decoder.frames} frames, {decoder.valid_groups} valid groups,"
        f" {decoder.rejected_groups} rejected groups,"
        f" {decoder.interrupted_frames} interrupted frames;"
        f" mode: {mode}, phases: {phases}, producer: {producer}"
    )
