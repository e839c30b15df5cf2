"""Turn appliance channels into activity labels, per sample and per minute.

A person is active at time t when an activity appliance is on at t or was on
less than `hold_s` ago, or when a start-only appliance (washing machine,
dishwasher, tumble dryer) began a cycle less than `start_window_s` ago.
Background appliances never count. The label is masked (not scored) where it
cannot be known: an ambiguous channel is on or silent, a labelling channel is
silent, a channel's power does not fit its appliance that day, or the
aggregate itself is missing. Activity wins over a mask: a kettle boiling
makes the minute active whatever else is unknown. A recording without any
activity or start-only channel has no labels at all: nothing is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
import itertools
import logging
from typing import TYPE_CHECKING

import numpy as np

from training.appliances import KIND_SPECS, ApplianceClass
from training.datasets.clock import local_seconds
from training.labels.intervals import Intervals, sample_spans, where_true
from training.labels.signatures import (
    IN_USE_W,
    SignatureFlag,
    check_signature,
    find_swaps,
)

if TYPE_CHECKING:
    from training.datasets.recording import Channel, HouseRecording

_LOGGER = logging.getLogger(__name__)

MINUTE_S = 60.0
SECONDS_PER_DAY = 86_400.0
STANDBY_PERCENTILE = 10.0
NIGHT_START_S = 3600.0
NIGHT_END_S = 5 * 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelConfig:
    """Hold the labelling rules' settings.

    `hold_s` keeps a person active for a while after an appliance goes off
    (they are still in the kitchen); `start_window_s` is how much of a cycle
    counts; a cycle starts when its appliance comes on after `cycle_gap_s`
    off; a minute is scored only if the aggregate covers `min_coverage` of it.
    """

    hold_s: float = 120.0
    start_window_s: float = 300.0
    cycle_gap_s: float = 1800.0
    min_coverage: float = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelLabelling:
    """Say how one channel fed the labels: its class and how long it counted."""

    name: str
    appliance_class: ApplianceClass
    active_s: float
    masked_s: float
    flags: tuple[SignatureFlag, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityIntervals:
    """Hold a recording's labels as time intervals (UTC s).

    `measured` is where labels can be scored at all: the aggregate has a
    value and the recording has labelling channels.
    """

    active: Intervals
    masked: Intervals
    measured: Intervals
    channels: tuple[ChannelLabelling, ...] = field(default=())

    @property
    def flags(self) -> tuple[SignatureFlag, ...]:
        """Return every signature flag raised on the recording's channels."""
        return tuple(flag for channel in self.channels for flag in channel.flags)


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleLabels:
    """Hold one label a recording sample: active, and scored (not masked)."""

    active: np.ndarray
    scored: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class MinuteLabels:
    """Hold per-minute activity labels on the recording's minute grid.

    `starts_s` are minute starts (UTC s, multiples of 60); `active` is the
    label; `scored` is false where the label is masked or the aggregate
    covers less than the configured share of the minute. Episodes are the
    labelled activity bursts, hold included (UTC s, start and end).
    """

    starts_s: np.ndarray
    active: np.ndarray
    scored: np.ndarray
    episode_starts_s: np.ndarray
    episode_ends_s: np.ndarray

    @property
    def masked(self) -> np.ndarray:
        """Return where the label is not scored."""
        unscored: np.ndarray = ~self.scored
        return unscored


def activity_intervals(
    recording: HouseRecording,
    config: LabelConfig | None = None,
) -> ActivityIntervals:
    """Return when the recording's labelled appliances show a person active."""
    settings = config or LabelConfig()
    times = recording.timestamps_s
    ends = sample_spans(times, recording.max_hold_s, recording.sample_period_s)
    local_s = local_seconds(times, recording.timezone)
    local_day = np.floor(local_s / SECONDS_PER_DAY)

    active = Intervals.empty()
    masked = Intervals.empty()
    reports: list[ChannelLabelling] = []
    flags_by_channel = {
        channel.name: check_signature(channel, times, ends, local_day)
        for channel in recording.channels
    }
    swaps = find_swaps(recording.channels, flags_by_channel, times, ends)
    for channel in recording.channels:
        flags = [
            replace(flag, swapped_with=partner.name)
            if (partner := swaps.get((channel.name, flag.day_start_s)))
            else flag
            for flag in flags_by_channel[channel.name]
        ]
        channel_active, channel_masked = _labelled_channel(
            channel,
            flags,
            swaps,
            local_s=local_s,
            times=times,
            ends=ends,
            settings=settings,
        )
        for flag in flags:
            _LOGGER.info(
                "%s %s: %s %s on one day: %s",
                recording.dataset,
                recording.house,
                channel.name,
                "labelled as " + flag.swapped_with
                if flag.swapped_with
                else "treated as ambiguous",
                flag.reason,
            )
        active = active.union(channel_active)
        masked = masked.union(channel_masked)
        reports.append(
            ChannelLabelling(
                name=channel.name,
                appliance_class=channel.appliance_class,
                active_s=channel_active.total_s,
                masked_s=channel_masked.total_s,
                flags=tuple(flags),
            )
        )

    measured = Intervals.empty()
    if recording.aggregate_w is not None and has_labels(recording):
        measured = where_true(np.isfinite(recording.aggregate_w), times, ends)
    return ActivityIntervals(
        active=active,
        masked=masked,
        measured=measured,
        channels=tuple(reports),
    )


def has_labels(recording: HouseRecording) -> bool:
    """Tell whether any channel of a recording can show a person active."""
    return any(
        channel.appliance_class in {ApplianceClass.ACTIVITY, ApplianceClass.START_ONLY}
        for channel in recording.channels
    )


def label_samples(
    recording: HouseRecording,
    config: LabelConfig | None = None,
    intervals: ActivityIntervals | None = None,
) -> SampleLabels:
    """Label every sample of a recording: active, and whether it is scored."""
    found = intervals or activity_intervals(recording, config)
    times = recording.timestamps_s
    ends = sample_spans(times, recording.max_hold_s, recording.sample_period_s)
    active = found.active.overlaps(times, ends)
    scored = (active | ~found.masked.overlaps(times, ends)) & found.measured.overlaps(
        times, ends
    )
    return SampleLabels(active=active, scored=scored)


def label_minutes(
    recording: HouseRecording,
    config: LabelConfig | None = None,
    intervals: ActivityIntervals | None = None,
) -> MinuteLabels:
    """Label every minute a recording spans: active, and whether it is scored."""
    settings = config or LabelConfig()
    found = intervals or activity_intervals(recording, settings)
    times = recording.timestamps_s
    if times.size == 0:
        empty = np.empty(0)
        return MinuteLabels(
            starts_s=empty,
            active=empty.astype(bool),
            scored=empty.astype(bool),
            episode_starts_s=empty,
            episode_ends_s=empty,
        )
    ends = sample_spans(times, recording.max_hold_s, recording.sample_period_s)
    first = np.floor(times[0] / MINUTE_S) * MINUTE_S
    count = int(np.ceil((ends[-1] - first) / MINUTE_S))
    starts = first + MINUTE_S * np.arange(count, dtype=np.float64)
    stops = starts + MINUTE_S

    active = found.active.overlaps(starts, stops)
    coverage = (
        found.measured.covered_before(stops) - found.measured.covered_before(starts)
    ) / MINUTE_S
    scored = (active | ~found.masked.overlaps(starts, stops)) & (
        coverage >= settings.min_coverage
    )
    return MinuteLabels(
        starts_s=starts,
        active=active,
        scored=scored,
        episode_starts_s=found.active.starts.copy(),
        episode_ends_s=found.active.ends.copy(),
    )


def _labelled_channel(
    channel: Channel,
    flags: list[SignatureFlag],
    swaps: dict[tuple[str, float], Channel],
    *,
    local_s: np.ndarray,
    times: np.ndarray,
    ends: np.ndarray,
    settings: LabelConfig,
) -> tuple[Intervals, Intervals]:
    """Return one channel's active and masked intervals, misfit days handled.

    A misfit day is labelled as the appliance the channel swapped with, if
    any; otherwise the channel is ambiguous that day: whatever was plugged in
    instead, its use hides the label.
    """
    on = _on(channel, local_s)
    missing = np.isnan(channel.power_w)
    if not flags:
        return _channel_intervals(
            channel.appliance_class, on, missing, times, ends, config=settings
        )
    flagged = Intervals.merged(
        np.array([flag.day_start_s for flag in flags]),
        np.array([flag.day_end_s for flag in flags]),
    )
    inside = flagged.overlaps(times, ends)
    active, masked = _channel_intervals(
        channel.appliance_class,
        on & ~inside,
        missing & ~inside,
        times,
        ends,
        config=settings,
    )
    with np.errstate(invalid="ignore"):
        in_use = channel.power_w > IN_USE_W
    for flag in flags:
        day = Intervals.merged(
            np.array([flag.day_start_s]), np.array([flag.day_end_s])
        ).overlaps(times, ends)
        partner = swaps.get((channel.name, flag.day_start_s))
        if partner is None:
            masked = masked.union(where_true((in_use | missing) & day, times, ends))
            continue
        # The partner's kind and class, read on this channel's power.
        measured = replace(
            channel, kind=partner.kind, appliance_class=partner.appliance_class
        )
        day_active, day_masked = _channel_intervals(
            partner.appliance_class,
            _on(measured, local_s) & day,
            missing & day,
            times,
            ends,
            config=settings,
        )
        active = active.union(day_active)
        masked = masked.union(day_masked)
    return active, masked


def _on(channel: Channel, local_s: np.ndarray) -> np.ndarray:
    """Tell where a channel is on, above its kind's threshold and its standby.

    Standby is the higher of the day's low level (10th percentile) and its
    night level (median between 01:00 and 05:00): a computer or set-top box
    left running all night sits at its night level, and only a rise above it
    shows someone using it.
    """
    spec = KIND_SPECS[channel.kind]
    power = channel.power_w
    threshold = np.full(power.shape, spec.on_threshold_w)
    if spec.above_standby_w is not None:
        local_day = np.floor(local_s / SECONDS_PER_DAY)
        night = (local_s % SECONDS_PER_DAY >= NIGHT_START_S) & (
            local_s % SECONDS_PER_DAY < NIGHT_END_S
        )
        _, first = np.unique(local_day, return_index=True)
        for start, end in itertools.pairwise([*first.tolist(), local_day.size]):
            day = power[start:end]
            finite = np.isfinite(day)
            if not finite.any():
                continue
            standby = float(np.percentile(day[finite], STANDBY_PERCENTILE))
            asleep = finite & night[start:end]
            if asleep.any():
                standby = max(standby, float(np.median(day[asleep])))
            threshold[start:end] = max(
                spec.on_threshold_w, standby + spec.above_standby_w
            )
    with np.errstate(invalid="ignore"):
        on: np.ndarray = power > threshold
    return on


def _channel_intervals(
    appliance_class: ApplianceClass,
    on: np.ndarray,
    missing: np.ndarray,
    times: np.ndarray,
    ends: np.ndarray,
    *,
    config: LabelConfig,
) -> tuple[Intervals, Intervals]:
    """Return when one channel makes a person active, and when it hides the label."""
    match appliance_class:
        case ApplianceClass.ACTIVITY:
            return (
                where_true(on, times, ends, extend_s=config.hold_s),
                where_true(missing, times, ends),
            )
        case ApplianceClass.START_ONLY:
            starts = _cycle_starts(on, times, ends, config.cycle_gap_s)
            return (
                Intervals.merged(starts, starts + config.start_window_s),
                where_true(missing, times, ends),
            )
        case ApplianceClass.AMBIGUOUS:
            return Intervals.empty(), where_true(on | missing, times, ends)
    return Intervals.empty(), Intervals.empty()


def _cycle_starts(
    on: np.ndarray,
    times: np.ndarray,
    ends: np.ndarray,
    gap_s: float,
) -> np.ndarray:
    """Return the moments a cycle begins: on after at least `gap_s` off."""
    on_times: np.ndarray = times[on]
    if on_times.size == 0:
        return on_times
    previous_end = ends[on][:-1]
    begins = np.ones(on_times.size, dtype=bool)
    begins[1:] = on_times[1:] - previous_end >= gap_s
    return np.asarray(on_times[begins], dtype=np.float64)
