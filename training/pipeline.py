"""Turn a folder of datasets into prepared houses: labels, meter views, features.

For each labelled house: the labels from its appliance channels; what the
meter would give (apparent power at the TIC pace, tariff, energy index, the
30-minute load curve); the same house with French background loads added
(training data and a robustness check); its aggregate in watts fed to the
features directly (a robustness check); and the meter's view with injected
quiet periods (for the alert figures). Every random step draws from a seed
derived from the run's seed and the house's name, so a house gets the same
simulation whatever else is in the folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import logging
from typing import TYPE_CHECKING
import zlib

import numpy as np

from custom_components.linky_activity.activity.features import features_for_series
from training.appliances import ApplianceClass
from training.datasets.scan import read, scan
from training.evaluate import PreparedHouse
from training.labels import label_minutes
from training.progress import progress_bar
from training.quiet import inject_quiet_gaps
from training.simulation import NIGHT_OFF_PEAK, augment, load_curve, simulate_meter
from training.tables import minute_table, slot_table, stitch, watts_table
from training.trust import UNEXPLAINED_LOAD_W, unexplained_load

if TYPE_CHECKING:
    from pathlib import Path

    from training.datasets import HouseRecording
    from training.labels import MinuteLabels
    from training.windows import WindowTable

_LOGGER = logging.getLogger(__name__)

__all__ = ["NoHousesError", "SkippedRecording", "prepare_folder", "prepare_house"]

LABELLING_CLASSES = frozenset({ApplianceClass.ACTIVITY, ApplianceClass.START_ONLY})


class NoHousesError(Exception):
    """Signal a data folder without any house the model can learn from."""


@dataclass(frozen=True, slots=True)
class SkippedRecording:
    """Say which recording was left out of training and why."""

    key: str
    reason: str


def _why_unusable(recording: HouseRecording) -> str | None:
    """Return why a recording cannot be labelled and scored, or None if it can."""
    if recording.aggregate_w is None:
        return "no whole-house power"
    if not any(c.appliance_class in LABELLING_CLASSES for c in recording.channels):
        return "no activity appliance to label from"
    if recording.timestamps_s.size < 2:
        return "fewer than two samples"
    return None


def _house_seed(seed: int, key: str) -> int:
    """Return a seed for one house that does not depend on the folder's content."""
    return (seed * 1_000_003 + zlib.crc32(key.encode("utf-8"))) % (2**32)


@dataclass(frozen=True, slots=True)
class _Views:
    """Hold one recording's tables: 1-minute and 30-minute, per variant."""

    minutes: dict[str, WindowTable]
    slots: dict[str, WindowTable]
    gaps_s: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class _MeterSeries:
    """Hold the simulated meter's readings over a whole recording."""

    timestamps_s: np.ndarray
    apparent_power_va: np.ndarray
    offpeak: np.ndarray
    energy_wh: np.ndarray


def _meter_series(recording: HouseRecording, seed: int) -> _MeterSeries:
    """Return the historical-mode meter readings of a recording, joined."""
    chunks = list(simulate_meter(recording, seed=seed))
    if not chunks:
        empty = np.empty(0)
        return _MeterSeries(empty, empty, empty.astype(bool), empty)
    return _MeterSeries(
        timestamps_s=np.concatenate([c.timestamps_s for c in chunks]),
        apparent_power_va=np.concatenate([c.apparent_power_va for c in chunks]),
        offpeak=np.concatenate([c.off_peak for c in chunks]),
        energy_wh=np.concatenate([c.index_total_wh for c in chunks]).astype(np.float64),
    )


def _meter_tables(
    recording: HouseRecording,
    labels: MinuteLabels,
    seed: int,
    variant: str,
    trusted: np.ndarray | None = None,
) -> tuple[WindowTable, WindowTable]:
    """Return the 1-minute and 30-minute tables of the meter's view of a recording."""
    meter = _meter_series(recording, seed)
    starts, matrix = features_for_series(
        meter.timestamps_s,
        meter.apparent_power_va,
        meter.offpeak,
        recording.timezone,
        meter.energy_wh,
    )
    minutes = minute_table(
        dataset=recording.dataset,
        house=recording.house,
        timezone=recording.timezone,
        feature_starts_s=starts,
        features=matrix,
        labels=labels,
        variant=variant,
        trusted=trusted,
    )

    curve = load_curve(recording)
    known = np.isfinite(curve.mean_w)
    slot_starts = curve.starts_s[known]
    slot_power = curve.mean_w[known]
    # The load curve is what the utility publishes: active power only, with
    # the tariff period of each slot's start.
    feature_starts, slot_matrix = features_for_series(
        slot_starts,
        slot_power,
        NIGHT_OFF_PEAK.off_peak(slot_starts, recording.timezone),
        recording.timezone,
    )
    if not np.array_equal(feature_starts, slot_starts):
        msg = f"{recording.dataset}/{recording.house}: load curve slots misaligned"
        raise ValueError(msg)
    slots = slot_table(
        minutes=minutes,
        slot_starts_s=slot_starts,
        load_curve_w=slot_power,
        features=slot_matrix,
        variant=variant,
    )
    return minutes, slots


def _trusted_only(table: WindowTable) -> WindowTable:
    """Return the table scored only where its label is trusted."""
    if table.trusted is None:
        return table
    return replace(table, scored=table.scored & table.trusted, variant="trusted")


def _recording_views(recording: HouseRecording, seed: int) -> _Views:
    """Build every view of one recording."""
    # Added background loads never change the labels, nor what the channels
    # leave unexplained (they are channels themselves); quiet gaps do.
    labels = label_minutes(recording)
    unexplained = unexplained_load(recording, labels.starts_s)
    trusted = labels.active | ~(np.nan_to_num(unexplained) > UNEXPLAINED_LOAD_W)
    meter_minutes, meter_slots = _meter_tables(
        recording, labels, seed, "meter", trusted
    )
    background = augment(recording, seed=seed + 1)
    french_minutes, french_slots = _meter_tables(
        background, labels, seed, "french_background", trusted
    )
    quiet = inject_quiet_gaps(recording)
    quiet_minutes, _ = _meter_tables(
        quiet.recording, label_minutes(quiet.recording), seed, "quiet"
    )
    return _Views(
        minutes={
            "meter": meter_minutes,
            "french_background": french_minutes,
            "quiet": quiet_minutes,
            "watts": watts_table(recording, labels),
            "trusted_labels": _trusted_only(meter_minutes),
        },
        slots={"meter": meter_slots, "french_background": french_slots},
        gaps_s=quiet.gaps_s,
    )


def prepare_house(recordings: list[HouseRecording], *, seed: int) -> PreparedHouse:
    """Prepare one house from its recordings (several files of one house join)."""
    first = recordings[0]
    key = f"{first.dataset}/{first.house}"
    house_seed = _house_seed(seed, key)
    views = [
        _recording_views(recording, house_seed + 7 * index)
        for index, recording in enumerate(recordings)
    ]

    def joined(resolution: str, variant: str) -> WindowTable:
        if resolution == "1min":
            return stitch([v.minutes[variant] for v in views])
        return stitch([v.slots[variant] for v in views])

    return PreparedHouse(
        dataset=first.dataset,
        house=first.house,
        tests={"1min": joined("1min", "meter"), "30min": joined("30min", "meter")},
        training={
            resolution: (
                joined(resolution, "meter"),
                joined(resolution, "french_background"),
            )
            for resolution in ("1min", "30min")
        },
        quiet={"1min": joined("1min", "quiet")},
        quiet_gaps_s=tuple(gap for v in views for gap in v.gaps_s),
        checks={
            "watts": joined("1min", "watts"),
            "french_background": joined("1min", "french_background"),
            "trusted_labels": joined("1min", "trusted_labels"),
        },
    )


def _read_labelled(
    folder: Path, progress: bool
) -> tuple[dict[str, list[HouseRecording]], list[SkippedRecording]]:
    """Read every recognised house; keep those that can be labelled."""
    groups: dict[str, list[HouseRecording]] = {}
    skipped: list[SkippedRecording] = []
    hits = scan(folder)
    for hit in progress_bar(
        hits, desc="reading datasets", unit="house", shown=progress
    ):
        recording = read(hit)
        key = f"{recording.dataset}/{recording.house}"
        reason = _why_unusable(recording)
        if reason is not None:
            skipped.append(SkippedRecording(key, reason))
            _LOGGER.info("Leaving out %s: %s", key, reason)
            continue
        groups.setdefault(key, []).append(recording)
    return groups, skipped


def prepare_folder(
    folder: Path, *, seed: int = 0, progress: bool = False
) -> list[PreparedHouse]:
    """Prepare every labelled house found below `folder`, sorted by name."""
    groups, skipped = _read_labelled(folder, progress)
    if not groups:
        found = ", ".join(f"{s.key} ({s.reason})" for s in skipped) or "nothing"
        msg = f"no labelled house under {folder}; found: {found}"
        raise NoHousesError(msg)
    return [
        prepare_house(groups[key], seed=seed)
        for key in progress_bar(
            sorted(groups), desc="simulating meters", unit="house", shown=progress
        )
    ]
