"""Dispatch the linky-activity command to its subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

# Each subcommand lives in its own module, imported only when it runs, so that
# "decode" does not pay for scikit-learn and "train" does not pay for serial I/O.
SUBCOMMANDS: dict[str, str] = {
    "decode": "training.commands.decode",
    "replay": "training.commands.replay",
    "datasets": "training.commands.datasets",
    "train": "training.commands.train",
    "evaluate": "training.commands.evaluate",
    "bench": "training.commands.bench",
}


class Subcommand(Protocol):
    """Describe what a subcommand module provides."""

    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the subcommand's arguments."""

    def run(self, args: argparse.Namespace) -> int:
        """Run the subcommand and return the process exit code."""


def _load(name: str) -> Subcommand:
    """Import the module that implements one subcommand."""
    module: Subcommand = importlib.import_module(SUBCOMMANDS[name])
    return module


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Build the parser, loading only the subcommand named on the command line."""
    parser = argparse.ArgumentParser(
        prog="linky-activity",
        description="Decode, replay, train, evaluate and benchmark Linky Activity.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    wanted = next((arg for arg in argv if arg in SUBCOMMANDS), None)
    for name in SUBCOMMANDS:
        if wanted is not None and name != wanted:
            subparsers.add_parser(name)
            continue
        module = _load(name)
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the linky-activity command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    try:
        return _load(args.command).run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
