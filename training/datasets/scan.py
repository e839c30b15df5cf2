"""Find every dataset layout below a folder and read what was found.

`scan` walks a tree (several datasets side by side is fine) and recognises
files by name and first line, never by reading them whole; `read` turns one
hit into a `HouseRecording`; `load_all` does both, house by house.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING

from training.datasets import (
    ampds2,
    channel_files,
    eco,
    generic_csv,
    ha_history,
    hue,
    rae,
    refit,
    uci,
)
from training.datasets.errors import DatasetError
from training.datasets.textfile import first_line

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from training.datasets.recording import HouseRecording

_LOGGER = logging.getLogger(__name__)

DATASETS = (
    "refit",
    "uci",
    "redd",
    "ukdale",
    "ampds2",
    "eco",
    "rae",
    "hue",
    "generic",
    "ha_history",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetHit:
    """Hold one house found in a folder: which dataset, which house, which files."""

    dataset: str
    house: str
    files: tuple[Path, ...]


def scan(folder: Path) -> list[DatasetHit]:
    """Return every recognised house below `folder` (or in the one file given)."""
    if not folder.exists():
        raise DatasetError(folder, "folder not found")
    files = [folder] if folder.is_file() else _walk(folder)
    claimed: set[Path] = set()
    hits: list[DatasetHit] = []
    for finder in _FINDERS:
        for hit in finder([path for path in files if path not in claimed]):
            hits.append(hit)
            claimed.update(hit.files)
    return sorted(hits, key=_hit_order)


def unrecognised(folder: Path, hits: list[DatasetHit]) -> list[Path]:
    """Return the files below `folder` that no hit uses."""
    if not folder.is_dir():
        return []
    used = {path for hit in hits for path in hit.files}
    return [path for path in _walk(folder) if path not in used]


def read(hit: DatasetHit, *, progress: bool = False) -> HouseRecording:
    """Read one hit as a house recording."""
    reader = _READERS.get(hit.dataset)
    if reader is None:
        raise ValueError(f"unknown dataset {hit.dataset!r}")
    return reader(hit, progress)


def load_all(folder: Path, *, progress: bool = False) -> Iterator[HouseRecording]:
    """Read every house found below `folder`, one at a time."""
    for hit in scan(folder):
        _LOGGER.debug("reading %s %s", hit.dataset, hit.house)
        yield read(hit, progress=progress)


def _walk(folder: Path) -> list[Path]:
    """List the files below a folder, in a stable order, skipping hidden ones."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        found.extend(
            Path(root) / name for name in sorted(names) if not name.startswith(".")
        )
    return found


def _find_refit(files: list[Path]) -> Iterator[DatasetHit]:
    """Find REFIT house files (raw and cleaned)."""
    for path in files:
        number = refit.house_number(path)
        if number is not None and first_line(path).startswith("Time,Unix,Aggregate"):
            yield DatasetHit(dataset="refit", house=f"House_{number}", files=(path,))


def _find_uci(files: list[Path]) -> Iterator[DatasetHit]:
    """Find copies of the UCI household power file: slices of one house."""
    copies = tuple(
        path
        for path in files
        if path.name == uci.FILE_NAME and first_line(path).startswith("Date;Time;")
    )
    if copies:
        yield DatasetHit(dataset="uci", house=uci.HOUSE, files=copies)


def _find_hue(files: list[Path]) -> Iterator[DatasetHit]:
    """Find HUE house files."""
    for path in files:
        match = hue.FILE_NAME.fullmatch(path.name)
        if match and first_line(path).startswith("date,hour,energy_kWh"):
            house = f"Residential_{match.group(1)}"
            yield DatasetHit(dataset="hue", house=house, files=(path,))


def _find_ampds2(files: list[Path]) -> Iterator[DatasetHit]:
    """Find folders of AMPds2 meter files (copies of the one house)."""
    by_folder: dict[Path, list[Path]] = {}
    for path in files:
        if ampds2.is_ampds2_file(path) and first_line(path).startswith("unix_ts,"):
            by_folder.setdefault(path.parent, []).append(path)
    for paths in by_folder.values():
        yield DatasetHit(dataset="ampds2", house=ampds2.HOUSE, files=tuple(paths))


def _find_eco(files: list[Path]) -> Iterator[DatasetHit]:
    """Find ECO households from their sm, plugs and occupancy folders."""
    candidates = [path for path in files if eco.role_of(path) is not None]
    for house, grouped in eco.group_files(candidates).items():
        paths = (
            *grouped.smart_meter,
            *(path for plug in grouped.plugs.values() for path in plug),
            *grouped.occupancy,
        )
        yield DatasetHit(dataset="eco", house=house, files=tuple(paths))


def _find_channel_folders(files: list[Path]) -> Iterator[DatasetHit]:
    """Find REDD and UK-DALE house folders from their labels.dat files."""
    for path in files:
        if path.name != "labels.dat":
            continue
        first = first_line(path).lower()
        if first.startswith("1 mains"):
            dataset = "redd"
        elif first.startswith("1 aggregate"):
            dataset = "ukdale"
        else:
            continue
        numbers = channel_files.channel_numbers(path.parent)
        channels = tuple(path.parent / f"channel_{n}.dat" for n in numbers)
        yield DatasetHit(
            dataset=dataset, house=path.parent.name, files=(path, *channels)
        )


def _find_rae(files: list[Path]) -> Iterator[DatasetHit]:
    """Find RAE power block files, grouped by folder and house."""
    groups: dict[tuple[Path, int], list[Path]] = {}
    for path in files:
        number = rae.house_of(path)
        if number is not None and first_line(path).startswith("unix_ts,ihd,mains"):
            groups.setdefault((path.parent, number), []).append(path)
    for (_, number), paths in groups.items():
        yield DatasetHit(dataset="rae", house=f"house{number}", files=tuple(paths))


def _find_generic(files: list[Path]) -> Iterator[DatasetHit]:
    """Find plain `timestamp,power` CSV files and Home Assistant exports."""
    for path in files:
        if path.suffix.lower() != ".csv":
            continue
        names = tuple(name.strip() for name in first_line(path).split(","))
        if tuple(name.lower() for name in names) in generic_csv.HEADERS:
            yield DatasetHit(dataset="generic", house=path.stem, files=(path,))
        elif names == ha_history.HEADER:
            yield DatasetHit(dataset="ha_history", house=path.stem, files=(path,))


def _files(hit: DatasetHit) -> list[Path]:
    """Return a hit's files as a list."""
    return list(hit.files)


def _folder(hit: DatasetHit) -> Path:
    """Return the folder of a hit's first file."""
    return hit.files[0].parent


_READERS: dict[str, Callable[[DatasetHit, bool], HouseRecording]] = {
    "refit": lambda hit, bar: refit.read_refit(hit.files[0], progress=bar),
    "uci": lambda hit, bar: uci.read_uci_copies(_files(hit), progress=bar),
    "hue": lambda hit, bar: hue.read_hue(hit.files[0], progress=bar),
    "ampds2": lambda hit, bar: ampds2.read_ampds2(_files(hit), progress=bar),
    "eco": lambda hit, bar: eco.read_eco(
        eco.group_files(_files(hit))[hit.house], progress=bar
    ),
    "rae": lambda hit, bar: rae.read_rae(_files(hit), progress=bar),
    "redd": lambda hit, bar: channel_files.read_channel_folder(
        _folder(hit), channel_files.REDD, progress=bar
    ),
    "ukdale": lambda hit, bar: channel_files.read_channel_folder(
        _folder(hit), channel_files.UKDALE, progress=bar
    ),
    "generic": lambda hit, bar: generic_csv.read_generic_csv(
        hit.files[0], progress=bar
    ),
    "ha_history": lambda hit, _: ha_history.read_ha_history(hit.files[0]),
}

_FINDERS: tuple[Callable[[list[Path]], Iterator[DatasetHit]], ...] = (
    _find_refit,
    _find_uci,
    _find_hue,
    _find_ampds2,
    _find_eco,
    _find_channel_folders,
    _find_rae,
    _find_generic,
)


def _hit_order(hit: DatasetHit) -> tuple[int, str]:
    """Sort hits by dataset, then by house with numbers in numeric order."""
    padded = re.sub(r"\d+", lambda number: number.group().zfill(8), hit.house)
    return DATASETS.index(hit.dataset), padded
