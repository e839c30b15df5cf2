"""Play a dataset house's aggregate as a live meter: a frame source for replay.

The house's power goes through the meter simulation (apparent power at the
mode's step, energy indexes, tariff period) and each reading becomes one TIC
frame. The replay paces frames at the mode's line rate, as a meter sends
them back to back; a stretch the dataset did not record sends no frame and
so passes at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from custom_components.linky_activity.tic.frame import TicMode
from training.datasets.errors import DatasetError
from training.datasets.scan import read, scan
from training.simulation.background import augment
from training.simulation.frames import meter_frames
from training.simulation.meter import MeterConfig, simulate_meter
from training.simulation.tariff import NIGHT_OFF_PEAK, OffPeakSchedule

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    from training.datasets.recording import HouseRecording


@dataclass(frozen=True, slots=True)
class DatasetSource:
    """Give the replay a dataset house's frames, once or looping."""

    recording: HouseRecording
    mode: TicMode = TicMode.HISTORICAL
    seed: int = 0
    off_peak: OffPeakSchedule | None = field(default=NIGHT_OFF_PEAK)
    loop: bool = True

    def frames(self) -> Iterator[bytes]:
        """Yield one frame a simulated reading, forever if looping."""
        passes = itertools.count() if self.loop else range(1)
        for _ in passes:
            config = MeterConfig(mode=self.mode, off_peak=self.off_peak)
            readings = simulate_meter(self.recording, seed=self.seed, config=config)
            for frame in meter_frames(
                readings,
                self.mode,
                timezone=self.recording.timezone,
                off_peak_contract=self.off_peak is not None,
            ):
                yield frame.data


def add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options that replay a dataset house instead of a capture."""
    parser.add_argument(
        "--dataset",
        type=Path,
        metavar="DIR",
        help="replay a dataset house found below DIR instead of a capture",
    )
    parser.add_argument(
        "--house",
        metavar="NAME",
        help="house to replay, as `linky-activity datasets` names it"
        " (DATASET/HOUSE when names repeat; default: the first found)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the meter simulation (default 0)"
    )
    parser.add_argument(
        "--background",
        action="store_true",
        help="add a simulated water heater and convectors to the house's power",
    )
    parser.add_argument(
        "--off-peak",
        default="22:00-06:00",
        metavar="HH:MM-HH:MM[,...]",
        help="off-peak hours, local time, or 'none' for a base contract"
        " (default 22:00-06:00)",
    )


def dataset_source(
    args: argparse.Namespace, mode: TicMode | None, *, loop: bool
) -> DatasetSource:
    """Build the frame source the dataset options ask for.

    Raises DatasetError when the folder or house cannot be read, ValueError
    for a malformed off-peak schedule.
    """
    off_peak = (
        None
        if args.off_peak.lower() == "none"
        else OffPeakSchedule.parse(args.off_peak)
    )
    recording = find_house(args.dataset, args.house)
    if recording.aggregate_w is None:
        raise DatasetError(recording.source, "has no whole-house power to replay")
    if args.background:
        recording = augment(recording, seed=args.seed)
    return DatasetSource(
        recording=recording,
        mode=mode or TicMode.HISTORICAL,
        seed=args.seed,
        off_peak=off_peak,
        loop=loop,
    )


def find_house(folder: Path, house: str | None) -> HouseRecording:
    """Read the named house (or the first one) found below a folder."""
    hits = scan(folder)
    if house is not None:
        hits = [
            hit for hit in hits if house in {hit.house, f"{hit.dataset}/{hit.house}"}
        ]
    if not hits:
        known = ", ".join(f"{hit.dataset}/{hit.house}" for hit in scan(folder)[:8])
        raise DatasetError(folder, f"no house {house!r} here; found: {known or 'none'}")
    return read(hits[0], progress=True)
