"""Read REDD and UK-DALE house folders: `channel_N.dat` files and `labels.dat`.

Both datasets share this layout: one `channel_N.dat` a meter, each line
`unix_ts value` separated by a space (UTC epoch seconds, power in W), and
`labels.dat` with one `N name` line a channel. Channels are logged on their
own clocks; they are put onto the mains channels' timeline by holding each
reading for at most `max_hold_s`.

- REDD (Kolter and Johnson, SustKDD 2011), `low_freq/house_N/`: six houses
  near Boston, USA. Channels 1 and 2, labelled `mains`, are the two legs of
  the split-phase supply (about a reading a second); the aggregate is their
  sum. Circuit monitors report every 3-4 s.
- UK-DALE (Kelly and Knottenbelt, Sci. Data 2:150007), `house_N/`: five UK
  houses, every 6 s. Channel 1, labelled `aggregate`, is the whole-house meter
  (its sensor measures current: apparent power). The 1 s `mains.dat` and the
  `channel_N_button_press.dat` files have other layouts and are not read. A
  whole house is held in memory: house 1 (4.3 years, 53 channels) needs about
  10 GB, the other houses well under 1 GB.

Monitors lose radio packets now and then; beyond half a minute of silence a
reading is missing rather than repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import TYPE_CHECKING

import numpy as np

from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording, channel_named
from training.datasets.textfile import (
    TextLayout,
    decode_line,
    keep_increasing,
    open_binary,
    read_numeric,
)
from training.datasets.timeline import hold_onto, merge_timelines

if TYPE_CHECKING:
    from pathlib import Path

    from training.datasets.recording import Channel

CHANNEL_FILE = re.compile(r"channel_(\d+)\.dat")
_LABEL_LINE = re.compile(r"(\d+)\s+(\S.*)")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelLayout:
    """Describe one dataset's flavour of the channel-files layout."""

    dataset: str
    timezone: str
    sample_period_s: float
    max_hold_s: float
    mains_labels: frozenset[str]


REDD = ChannelLayout(
    dataset="redd",
    timezone="America/New_York",
    sample_period_s=1.0,
    max_hold_s=30.0,
    mains_labels=frozenset({"mains"}),
)
UKDALE = ChannelLayout(
    dataset="ukdale",
    timezone="Europe/London",
    sample_period_s=6.0,
    max_hold_s=30.0,
    mains_labels=frozenset({"aggregate"}),
)


def read_labels(folder: Path) -> dict[int, str]:
    """Read `labels.dat`: channel number to appliance name."""
    path = folder / "labels.dat"
    labels: dict[int, str] = {}
    with open_binary(path) as handle:
        for line_no, raw in enumerate(handle, start=1):
            text = decode_line(path, raw, line_no).strip()
            if not text:
                continue
            match = _LABEL_LINE.fullmatch(text)
            if match is None:
                raise DatasetError(
                    path, f"expected 'N name', found {text[:40]!r}", line_no
                )
            number = int(match.group(1))
            if number in labels:
                raise DatasetError(path, f"channel {number} labelled twice", line_no)
            labels[number] = match.group(2).strip()
    if not labels:
        raise DatasetError(path, "no channel labels")
    return labels


def channel_numbers(folder: Path) -> list[int]:
    """Return the channel numbers that have a `channel_N.dat` file in a folder."""
    numbers = []
    for path in folder.iterdir():
        if match := CHANNEL_FILE.fullmatch(path.name):
            numbers.append(int(match.group(1)))
    return sorted(numbers)


def read_channel(
    path: Path, *, progress: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Read one `channel_N.dat` file: timestamps and values."""
    layout = TextLayout(delimiter=" ", fields=2)
    with open_binary(path) as handle:
        rows = read_numeric(
            path, layout, handle=handle, first_line=1, progress=progress
        )
    times, values = rows.values
    keep = keep_increasing(path, times, rows.first_line)
    if not keep.all():
        times, values = times[keep], values[keep]
    return times, values


def read_channel_folder(
    folder: Path,
    layout: ChannelLayout,
    *,
    progress: bool = False,
) -> HouseRecording:
    """Read a labelled folder of channel files as one house recording."""
    labels = read_labels(folder)
    present = channel_numbers(folder)
    missing = sorted(set(labels) - set(present))
    if missing:
        raise DatasetError(folder / f"channel_{missing[0]}.dat", "file not found")
    mains = [n for n in present if labels.get(n, "").lower() in layout.mains_labels]
    if not mains:
        raise DatasetError(folder / "labels.dat", "no mains channel labelled")

    series = {
        number: read_channel(folder / f"channel_{number}.dat", progress=progress)
        for number in present
        if number in labels
    }
    base = merge_timelines(*(series[number][0] for number in mains))
    aggregate = np.zeros(base.size)
    for number in mains:
        times, values = series[number]
        aggregate += hold_onto(base, times, values, layout.max_hold_s)

    channels: list[Channel] = []
    for number, (times, values) in series.items():
        if number in mains:
            continue
        power = hold_onto(base, times, values, layout.max_hold_s)
        channels.append(channel_named(f"{number} {labels[number]}", power))
    return HouseRecording(
        dataset=layout.dataset,
        house=folder.name,
        timezone=layout.timezone,
        timestamps_s=base,
        aggregate_w=aggregate,
        channels=tuple(channels),
        source=folder,
        sample_period_s=layout.sample_period_s,
        max_hold_s=layout.max_hold_s,
    )
