"""List the datasets found in a folder, house by house: linky-activity datasets."""

from __future__ import annotations

from dataclasses import dataclass, field
import json
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from training.datasets.errors import DatasetError
from training.datasets.scan import read, scan, unrecognised
from training.labels import activity_intervals, has_labels, label_minutes
from training.labels.intervals import sample_spans

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable

    from training.datasets.recording import HouseRecording
    from training.datasets.scan import DatasetHit

HELP: Final = (
    "Scan a folder for the energy datasets the training tools read (REFIT, UCI,"
    " REDD, UK-DALE, AMPds2, ECO, RAE, HUE, plain timestamp,power CSV files and"
    " Home Assistant history exports) and list each house: days, sampling,"
    " channels with their labelling class, and how much of it the labels cover."
)
SECONDS_PER_DAY: Final = 86_400.0


@dataclass(slots=True)
class HouseSummary:
    """Hold what the listing says about one house."""

    dataset: str
    house: str
    files: int
    days: float = 0.0
    sample_period_s: float = 0.0
    has_aggregate: bool = False
    labelled: bool = False
    channels: list[dict[str, str]] = field(default_factory=list)
    minutes: int = 0
    scored_share: float = 0.0
    active_share: float = 0.0
    episodes: int = 0
    flags: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as plain JSON-ready data."""
        return {
            "dataset": self.dataset,
            "house": self.house,
            "files": self.files,
            "days": round(self.days, 3),
            "sample_period_s": round(self.sample_period_s, 3),
            "aggregate": self.has_aggregate,
            "channels": self.channels,
            "labels": {
                "labelled": self.labelled,
                "minutes": self.minutes,
                "scored_share": round(self.scored_share, 4),
                "active_share": round(self.active_share, 4),
                "episodes": self.episodes,
            },
            "flags": self.flags,
            "error": self.error,
        }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the datasets subcommand's arguments."""
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder to scan")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document instead of text"
    )


def run(args: argparse.Namespace) -> int:
    """List the houses found below the folder; 1 if one could not be read."""
    folder: Path = args.folder
    try:
        hits = scan(folder)
    except DatasetError as err:
        print(f"linky-activity: error: {err}", file=sys.stderr)
        return 2
    if not hits:
        print(
            f"linky-activity: error: no known dataset layout below {folder}",
            file=sys.stderr,
        )
        return 2

    summaries = [summarise(hit) for hit in _progress(hits, quiet=args.json)]
    skipped = unrecognised(folder, hits)
    if args.json:
        document = {
            "folder": str(folder),
            "houses": [summary.as_dict() for summary in summaries],
            "unrecognised_files": len(skipped),
        }
        print(json.dumps(document, indent=2))
    else:
        for summary in summaries:
            print(_text(summary))
        if skipped:
            print(f"{len(skipped)} file(s) not recognised, e.g. {skipped[0]}")
    return 1 if any(summary.error for summary in summaries) else 0


def summarise(hit: DatasetHit) -> HouseSummary:
    """Read one house and summarise it, or record why it could not be read."""
    summary = HouseSummary(dataset=hit.dataset, house=hit.house, files=len(hit.files))
    try:
        recording = read(hit, progress=True)
    except DatasetError as err:
        summary.error = str(err)
        return summary
    _describe(summary, recording)
    return summary


def _describe(summary: HouseSummary, recording: HouseRecording) -> None:
    """Fill a summary from a recording and its labels."""
    times = recording.timestamps_s
    spans = sample_spans(times, recording.max_hold_s, recording.sample_period_s)
    summary.days = float(np.sum(spans - times)) / SECONDS_PER_DAY
    summary.sample_period_s = (
        float(np.median(np.diff(times))) if times.size > 1 else 0.0
    )
    summary.has_aggregate = recording.aggregate_w is not None
    summary.channels = [
        {
            "name": channel.name,
            "kind": channel.kind.value,
            "class": channel.appliance_class.value,
        }
        for channel in recording.channels
    ]
    summary.labelled = has_labels(recording)
    if recording.aggregate_w is None or times.size == 0 or not summary.labelled:
        return
    found = activity_intervals(recording)
    labels = label_minutes(recording, intervals=found)
    summary.minutes = int(labels.starts_s.size)
    summary.scored_share = float(np.mean(labels.scored)) if labels.scored.size else 0.0
    scored = int(np.count_nonzero(labels.scored))
    summary.active_share = (
        int(np.count_nonzero(labels.active & labels.scored)) / scored if scored else 0.0
    )
    summary.episodes = int(labels.episode_starts_s.size)
    summary.flags = [
        {
            "channel": flag.channel,
            "day_start_s": flag.day_start_s,
            "reason": flag.reason,
            "swapped_with": flag.swapped_with,
        }
        for flag in found.flags
    ]


def _text(summary: HouseSummary) -> str:
    """Render one house as a few lines of text."""
    head = f"{summary.dataset} {summary.house} ({summary.files} file(s))"
    if summary.error:
        return f"{head}\n  error: {summary.error}"
    lines = [
        f"{head}: {summary.days:.1f} days of data, a sample every "
        f"{summary.sample_period_s:g} s, "
        + ("whole-house power" if summary.has_aggregate else "no whole-house power")
    ]
    if summary.channels:
        names = ", ".join(f"{c['name']} ({c['class']})" for c in summary.channels)
        lines.append(f"  channels: {names}")
    if not summary.labelled:
        lines.append("  labels: none (no activity appliance metered)")
    elif not summary.has_aggregate:
        lines.append("  labels: none (no whole-house power to label)")
    elif summary.minutes:
        lines.append(
            f"  labels: {summary.scored_share:.0%} of {summary.minutes} minutes "
            f"scored, {summary.active_share:.1%} of them active, "
            f"{summary.episodes} activity episode(s)"
        )
    by_channel: dict[tuple[str, str | None], list[str]] = {}
    for flag in summary.flags:
        partner = flag.get("swapped_with")
        key = (str(flag["channel"]), None if partner is None else str(partner))
        by_channel.setdefault(key, []).append(str(flag["reason"]))
    for (channel, partner), reasons in by_channel.items():
        what = "masked" if partner is None else f"labelled as {partner}"
        lines.append(
            f"  {what}: {channel} on {len(reasons)} day(s), its power does not fit"
            f" its name ({reasons[0]})"
        )
    return "\n".join(lines)


def _progress(hits: list[DatasetHit], *, quiet: bool) -> Iterable[DatasetHit]:
    """Wrap the houses in a progress bar when there are several to read."""
    # A bar only on a terminal: tqdm starts a monitor thread even for a
    # disabled bar.
    if quiet or len(hits) < 2 or not sys.stderr.isatty():
        return hits
    from tqdm import tqdm  # noqa: PLC0415 - only the listing of many houses needs it

    bar: Iterable[DatasetHit] = tqdm(hits, desc="houses", unit="house", leave=False)
    return bar
