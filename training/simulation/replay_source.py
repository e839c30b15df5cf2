"""Play a dataset house's aggregate as a live meter: a frame source for replay.

The house's power goes through the meter simulation (apparent power at the
mode's step, energy indexes, tariff period) and each reading becomes one TIC
frame. The replay paces frames at the mode's line rate, as a meter sends
them back to back; a stretch the dataset did not record sends no frame and
so passes at once.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, replace
from datetime import datetime
import itertools
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from custom_components.linky_activity.tic.frame import TicMode
from training.datasets.errors import DatasetError
from training.datasets.scan import read, scan
from training.simulation.background import augment
from training.simulation.frames import meter_frames
from training.simulation.meter import MeterConfig, simulate_meter
from training.simulation.tariff import NIGHT_OFF_PEAK, OffPeakSchedule

if TYPE_CHECKING:
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
        "--start",
        type=_time_of_day,
        metavar="HH:MM",
        help="begin the house's first day at this local time instead of midnight",
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
    if args.start is not None:
        recording = starting_at(recording, args.start)
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


def _time_of_day(text: str) -> int:
    """Parse HH:MM into seconds after midnight, for argparse."""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not HH:MM")
    seconds = int(hours) * 3600 + int(minutes) * 60
    if int(hours) > 23 or int(minutes) > 59:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day")
    return seconds


def starting_at(recording: HouseRecording, seconds_of_day: int) -> HouseRecording:
    """Drop the samples before a local time of day on the recording's first day.

    A demo then shows the morning at once instead of a night of standby.
    """
    zone = ZoneInfo(recording.timezone)
    first = datetime.fromtimestamp(float(recording.timestamps_s[0]), zone)
    midnight = first.replace(hour=0, minute=0, second=0, microsecond=0)
    start_s = midnight.timestamp() + seconds_of_day
    index = int(np.searchsorted(recording.timestamps_s, start_s))
    if index >= len(recording.timestamps_s):
        raise DatasetError(recording.source, "has no samples after that start time")
    return replace(
        recording,
        timestamps_s=recording.timestamps_s[index:],
        aggregate_w=None
        if recording.aggregate_w is None
        else recording.aggregate_w[index:],
        channels=tuple(
            replace(channel, power_w=channel.power_w[index:])
            for channel in recording.channels
        ),
        flows=tuple(
            replace(flow, rate_per_min=flow.rate_per_min[index:])
            for flow in recording.flows
        ),
        occupancy=None if recording.occupancy is None else recording.occupancy[index:],
    )
