"""Measure the detection stages on their own: features, model, whole detector.

Run by hand: `.venv/bin/python benchmarks/bench_detector.py [--model FILE]`.

A real day is built from the REFIT House 2 fixture (four morning hours,
about 8 s a sample) held at 1 Hz and repeated to 24 hours, as a standard-mode
meter would give it. Each figure is the best of several runs, to keep other
load on the machine out of it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import time
from typing import TYPE_CHECKING, Final

import numpy as np

from custom_components.linky_activity.activity.detector import (
    ActivityDetector,
    DetectorConfig,
)
from custom_components.linky_activity.activity.features import (
    FeatureStream,
    features_for_series,
)
from custom_components.linky_activity.activity.model import load_model
from training.commands.bench import SHIPPED_MODEL, synthetic_model

if TYPE_CHECKING:
    from collections.abc import Callable

    from custom_components.linky_activity.activity.model import ActivityModel

FIXTURE: Final = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "fixtures"
    / "activity"
    / "refit_House_2_2015-01-08_06-10.csv"
)
DAY_S: Final = 86_400
START: Final = 1_767_571_200.0  # 2026-01-05 00:00 UTC.


def _day_at_1hz() -> tuple[np.ndarray, np.ndarray]:
    """Return a day of 1 Hz apparent power held from the real 8 s samples."""
    rows = np.genfromtxt(FIXTURE, delimiter=",", skip_header=1, usecols=(1, 2))
    offsets = rows[:, 0] - rows[0, 0]
    seconds = np.arange(DAY_S, dtype=np.float64)
    held = np.searchsorted(offsets, seconds % (offsets[-1] + 1), side="right") - 1
    return START + seconds, np.round(rows[held, 1] / 0.95)


def _best(action: Callable[[], object], repeat: int) -> float:
    """Return the shortest time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print the cost of each detection stage on a real day."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file to evaluate")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model: ActivityModel = (
        load_model(args.model or SHIPPED_MODEL)
        if args.model or SHIPPED_MODEL.is_file()
        else synthetic_model()
    )
    times, power = _day_at_1hz()
    samples = list(zip(times.tolist(), power.tolist(), strict=True))

    def stream_day() -> None:
        push = FeatureStream("Europe/Paris").push
        for t, va in samples:
            push(t, va, False)

    def detect_day() -> None:
        update = ActivityDetector(DetectorConfig(timezone="Europe/Paris"), model).update
        for t, va in samples:
            update(t, va, False)

    batch = _best(
        lambda: features_for_series(times, power, None, "Europe/Paris"), args.repeat
    )
    stream = _best(stream_day, args.repeat)
    detect = _best(detect_day, args.repeat)
    _, matrix = features_for_series(times, power, None, "Europe/Paris")
    proba = _best(lambda: model.predict_proba(matrix), args.repeat)
    rows = matrix.tolist()
    single = _best(lambda: [model.probability(row) for row in rows], args.repeat)

    print(f"model: {model.kind}, {model.tree_count} trees")
    print(f"features_for_series, one day at 1 Hz ({DAY_S} samples): {batch:.3f} s")
    print(f"FeatureStream.push: {stream / DAY_S * 1e6:.2f} us a sample")
    print(f"ActivityDetector.update: {detect / DAY_S * 1e6:.2f} us a sample")
    print(f"predict_proba on {len(rows)} minutes: {proba * 1e3:.1f} ms")
    print(f"probability (live, one vector): {single / len(rows) * 1e6:.1f} us a minute")


if __name__ == "__main__":
    main()
