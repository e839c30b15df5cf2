"""Play a capture as a live meter on loopback TCP or a pseudo-terminal: replay."""

from __future__ import annotations

import asyncio
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Final

from training.capture import add_mode_argument, chosen_mode
from training.datasets.errors import DatasetError
from training.replay_player import ReplayError, parse_tcp_address, serve_pty, serve_tcp
from training.replay_source import CaptureError, CaptureSource
from training.simulation.replay_source import add_dataset_arguments, dataset_source

if TYPE_CHECKING:
    import argparse

    from training.replay_source import FrameSource

HELP: Final = (
    "Play a TIC capture, or a dataset house's power as the meter would show"
    " it (--dataset), as a live meter, at the mode's line rate and looping,"
    " on a loopback TCP port (connect with socket://HOST:PORT) or on a new"
    " pseudo-terminal whose path is printed."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the replay subcommand's arguments."""
    parser.add_argument(
        "source", nargs="?", help="capture file (raw bytes or text dump)"
    )
    output = parser.add_mutually_exclusive_group(required=True)
    output.add_argument(
        "--tcp",
        metavar="[HOST:]PORT",
        help="serve on this address (default host 127.0.0.1, loopback only;"
        " port 0 picks a free one)",
    )
    output.add_argument(
        "--pty", action="store_true", help="play on a new pseudo-terminal"
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="play this many times faster than the meter (default 1)",
    )
    add_mode_argument(parser)
    parser.add_argument(
        "--once", action="store_true", help="play the capture once instead of looping"
    )
    parser.add_argument(
        "--raw",
        action="store_true",
        help="send the capture's bytes as they are, noise included, instead of"
        " its valid frames",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow --tcp on an address other than loopback",
    )
    add_dataset_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Load the capture and play it until interrupted (or once)."""
    if not args.speed > 0:
        print("error: --speed must be positive", file=sys.stderr)
        return 2
    mode = chosen_mode(args.mode)
    if (args.source is None) == (args.dataset is None):
        print("error: give either a capture file or --dataset DIR", file=sys.stderr)
        return 2
    try:
        source: FrameSource
        if args.dataset is not None:
            source = dataset_source(args, mode, loop=not args.once)
        else:
            source = CaptureSource.from_file(
                Path(args.source), mode=mode, raw=args.raw, loop=not args.once
            )
        if args.tcp is not None:
            host, port = parse_tcp_address(args.tcp, allow_remote=args.allow_remote)
            asyncio.run(
                serve_tcp(
                    source,
                    host,
                    port,
                    args.speed,
                    once=args.once,
                    on_listening=_announce,
                )
            )
        else:
            asyncio.run(serve_pty(source, args.speed, on_listening=_announce))
    except (CaptureError, ReplayError, DatasetError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def _announce(where: str) -> None:
    """Print where the replay can be read, at once."""
    print(f"replaying on {where}", flush=True)
