"""Measure the cost of the live path, bytes to activity state: bench."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import os
from pathlib import Path
import sys
import time
from typing import TYPE_CHECKING, Final

import numpy as np

from custom_components.linky_activity.activity.detector import (
    ActivityDetector,
    DetectorConfig,
)
from custom_components.linky_activity.activity.errors import ModelError
from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
)
from custom_components.linky_activity.activity.model import (
    ActivityModel,
    load_model,
    model_from_dict,
)
from custom_components.linky_activity.activity_const import MODEL_FILE_NAME
from custom_components.linky_activity.activity_inputs import offpeak, total_energy_wh
from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import (
    encode_frame,
    format_decimal,
)
from custom_components.linky_activity.tic.frame import Group, TicMode
from custom_components.linky_activity.tic.reading import (
    reading_from_frame,
)

if TYPE_CHECKING:
    import argparse

HELP: Final = (
    "Replay real TIC frames through decoding, features, model and night"
    " baseline for a simulated week, and print the cost per frame, the model"
    " size and the detector's memory; the last line is 'per-frame: N us'."
)

REPO: Final = Path(__file__).resolve().parents[2]
DEFAULT_CAPTURES: Final = REPO / "tests" / "fixtures" / "tic"
DEFAULT_POWER: Final = (
    REPO / "tests" / "fixtures" / "activity" / "refit_House_2_2015-01-08_06-10.csv"
)
SHIPPED_MODEL: Final = (
    REPO / "custom_components" / "linky_activity" / "model" / MODEL_FILE_NAME
)
POWER_LABELS: Final = {TicMode.HISTORICAL: "PAPP", TicMode.STANDARD: "SINSTS"}
# Seconds between frames as the meter sends them.
PACE_S: Final = {TicMode.HISTORICAL: 1.7, TicMode.STANDARD: 1.0}
START: Final = datetime(2026, 1, 5, tzinfo=UTC).timestamp()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the bench subcommand's arguments."""
    parser.add_argument(
        "--captures",
        type=Path,
        default=DEFAULT_CAPTURES,
        help="folder of real TIC captures whose frames are replayed",
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="model file (default: the shipped one, else a synthetic forest"
        " of the shipped model's size)",
    )
    parser.add_argument(
        "--days",
        type=float,
        default=7.0,
        help="simulated days per TIC mode (default 7)",
    )
    parser.add_argument(
        "--power",
        type=Path,
        default=DEFAULT_POWER,
        help="REFIT-layout CSV whose aggregate drives the replayed power, so"
        " every frame differs as a live meter's do",
    )


@dataclass(frozen=True, slots=True)
class _Template:
    """Hold one real frame, its mode, and where its power group sits."""

    mode: TicMode
    groups: tuple[Group, ...]
    power_at: int


def _templates(folder: Path) -> list[_Template]:
    """Decode every capture and keep the frames that carry apparent power."""
    templates = []
    for path in sorted(folder.glob("*.txt")):
        decoder = FrameDecoder()
        frames = decoder.feed(path.read_bytes()) + decoder.flush()
        for frame in frames:
            label = POWER_LABELS[frame.mode]
            if (
                label not in frame.groups
                or reading_from_frame(frame).apparent_power_va is None
            ):
                continue
            groups = tuple(frame.groups.values())
            power_at = [g.label for g in groups].index(label)
            templates.append(_Template(frame.mode, groups, power_at))
    return templates


def _power_series(path: Path) -> np.ndarray:
    """Return a real aggregate power series (VA-like), or a flat one."""
    if not path.is_file():
        return np.full(100, 450.0)
    rows = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(2,))
    return np.asarray(np.nan_to_num(rows, nan=0.0), dtype=np.float64) / 0.95


def synthetic_model() -> ActivityModel:
    """Build a forest shaped like the shipped one (24 full trees, depth 6)."""
    rng = np.random.default_rng(0)
    trees = 24
    depth = 6
    internal = 2**depth - 1
    size = 2 * internal + 1
    columns: dict[str, list[object]] = {
        "feature": [],
        "threshold": [],
        "left": [],
        "right": [],
        "value": [],
    }
    for _ in range(trees):
        columns["feature"].append(rng.integers(0, len(FEATURE_NAMES), size).tolist())
        columns["threshold"].append(rng.uniform(0, 600, size).round(1).tolist())
        columns["left"].append([2 * i + 1 if i < internal else -1 for i in range(size)])
        columns["right"].append(
            [2 * i + 2 if i < internal else -1 for i in range(size)]
        )
        columns["value"].append(rng.uniform(0, 1, size).round(4).tolist())
    return model_from_dict(
        {
            "format": "linky-activity-model",
            "format_version": 1,
            "kind": "tree_ensemble",
            "feature_names": list(FEATURE_NAMES),
            "feature_version": FEATURE_VERSION,
            "created": "2026-01-05",
            "card": {"note": "synthetic, for benchmarking only"},
            "threshold": 0.5,
            "tree_aggregation": "mean_probability",
            "base_score": 0.0,
            "trees": {"split_precision": "float32", **columns},
        }
    )


def _model(path: Path | None) -> tuple[ActivityModel, str]:
    """Return the model to run and a line describing it."""
    chosen = path or (SHIPPED_MODEL if SHIPPED_MODEL.is_file() else None)
    if chosen is None:
        model = synthetic_model()
        return model, (
            f"model: none shipped yet, synthetic forest of {model.tree_count}"
            " trees (depth 6)"
        )
    model = load_model(chosen)
    size = chosen.stat().st_size
    return model, (
        f"model: {chosen.name}, {model.kind}, {model.tree_count} trees,"
        f" {size / 1024:.1f} KB"
    )


@dataclass(slots=True)
class _Run:
    """Hold what one mode's simulated days measured (times in seconds)."""

    frames: int = 0
    decoded: int = 0
    seconds: float = 0.0
    decode_s: float = 0.0
    reading_s: float = 0.0
    detector_s: float = 0.0
    memory_bytes: int = 0
    model_bytes: int = 0


def _frame_bytes(template: _Template, power: float) -> bytes:
    """Re-encode a real frame with this power value in its power group."""
    label = POWER_LABELS[template.mode]
    value = (
        round(power / 10) * 10 if template.mode is TicMode.HISTORICAL else round(power)
    )
    groups = list(template.groups)
    original = groups[template.power_at]
    groups[template.power_at] = Group(
        label, format_decimal(label, int(value), template.mode), original.horodate
    )
    return encode_frame(groups, template.mode)


class _LivePath:
    """Hold one meter's decoder and detector, and time what passes through."""

    def __init__(self, model: ActivityModel, pace_s: float, frames: int) -> None:
        """Start a fresh decoder and detector for `frames` frames at this pace."""
        self.decoder = FrameDecoder()
        self.detector = ActivityDetector(DetectorConfig(timezone="Europe/Paris"), model)
        self.pace_s = pace_s
        self.run = _Run(frames=frames)

    def feed(self, chunks: list[bytes], first: int) -> None:
        """Feed frames' bytes through decode, reading and detector, timing each."""
        clock = time.perf_counter
        run = self.run
        for i, chunk in enumerate(chunks, first):
            started = clock()
            frames = self.decoder.feed(chunk)
            decoded = clock()
            run.decode_s += decoded - started
            for frame in frames:
                run.decoded += 1
                reading = reading_from_frame(frame)
                read = clock()
                run.reading_s += read - decoded
                if reading.apparent_power_va is not None:
                    self.detector.update(
                        START + i * self.pace_s,
                        reading.apparent_power_va,
                        offpeak(reading),
                        total_energy_wh(reading),
                    )
                decoded = clock()
                run.detector_s += decoded - read
            run.seconds += clock() - started


def _simulate(
    templates: list[_Template],
    power: np.ndarray,
    model: ActivityModel,
    days: float,
) -> _Run:
    """Replay one mode's frames for `days` and time the whole live path."""
    pace = PACE_S[templates[0].mode]
    count = int(days * 86400 / pace)
    path = _LivePath(model, pace, count)
    # Power is resampled from the dataset's 8-second pace to the meter's.
    samples = power[(np.arange(count) * pace / 8.0).astype(int) % power.size]
    batch = 2000
    for start in range(0, count, batch):
        stop = min(count, start + batch)
        # Encoding stays outside the timed part: a meter does it for free.
        chunks = [
            _frame_bytes(templates[i % len(templates)], float(samples[i]))
            for i in range(start, stop)
        ]
        path.feed(chunks, start)
    run = path.run
    run.memory_bytes = path.detector.memory_bytes(include_model=False)
    run.model_bytes = path.detector.memory_bytes() - run.memory_bytes
    return run


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and print its figures."""
    templates = _templates(args.captures)
    if not templates:
        print(f"no frame with apparent power in {args.captures}", file=sys.stderr)
        return 1
    try:
        model, described = _model(args.model)
    except ModelError as err:
        print(f"model unusable: {err}", file=sys.stderr)
        return 1
    power = _power_series(args.power)
    print(described)
    print(
        f"templates: {len(templates)} real frames from {args.captures.name}/,"
        f" power from {args.power.name if args.power.is_file() else 'a flat 450 VA'}"
    )

    total = _Run()
    for mode in TicMode:
        of_mode = [t for t in templates if t.mode is mode]
        if not of_mode:
            continue
        result = _simulate(of_mode, power, model, args.days)
        frames = result.frames
        print(
            f"{mode.value}: {frames} frames ({result.decoded} decoded) over"
            f" {args.days:g} simulated days in {result.seconds:.2f} s:"
            f" {result.seconds / frames * 1e6:.1f} us/frame = decode"
            f" {result.decode_s / frames * 1e6:.1f} + reading"
            f" {result.reading_s / frames * 1e6:.1f} + detector"
            f" {result.detector_s / frames * 1e6:.1f}"
        )
        print(
            f"{mode.value}: detector memory after {args.days:g} days:"
            f" {result.memory_bytes / 1024:.1f} KB, plus the loaded model"
            f" {result.model_bytes / 1024:.1f} KB"
        )
        total.frames += result.frames
        total.seconds += result.seconds
    print(f"frames: {total.frames}, total time: {total.seconds:.2f} s")
    # Other work on the machine slows every figure: say how much there was.
    print(f"load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"per-frame: {total.seconds / total.frames * 1e6:.1f} us")
    return 0
