"""Hold what the train and evaluate subcommands share: data arguments, house loading."""

from __future__ import annotations

from pathlib import Path
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from training.evaluate import PreparedHouse

__all__ = ["add_data_argument", "add_seed_argument", "fail", "load_houses"]


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """Declare --data, the folder scanned for labelled datasets."""
    parser.add_argument(
        "--data",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder holding one or more datasets in their native layouts",
    )


def add_seed_argument(parser: argparse.ArgumentParser) -> None:
    """Declare --seed, the one seed every random step derives from."""
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed for the meter simulation, augmentation and fit (default 0)",
    )


def fail(message: str) -> int:
    """Print an error for the user and return the exit code for bad input."""
    print(f"linky-activity: error: {message}", file=sys.stderr)
    return 2


def load_houses(folder: Path, *, seed: int) -> list[PreparedHouse] | None:
    """Prepare every labelled house under `folder`, or print why not and return None."""
    from training.datasets import DatasetError  # noqa: PLC0415
    from training.pipeline import NoHousesError, prepare_folder  # noqa: PLC0415

    if not folder.is_dir():
        fail(f"data folder {folder} does not exist or is not a folder")
        return None
    try:
        houses = prepare_folder(folder, seed=seed, progress=True)
    except DatasetError as err:
        fail(str(err))
        return None
    except NoHousesError as err:
        fail(str(err))
        return None
    return houses
