"""Check, day by day, that a monitor's power fits the appliance it is named for.

Monitors were sometimes moved to another appliance during a study (REFIT
says so), and some columns were never what their name says. A day whose
power a named appliance cannot draw (a "computer" drawing a kettle's 2.8 kW,
a "kettle" drawing 100 W for hours) is flagged; the labels then treat that
channel as ambiguous on that day, so it neither makes nor hides activity.

Two monitors swapped between two appliances show as a pair of flags on the
same day, each channel's power fitting the other's name. Such a day is not
masked: each channel is labelled as the appliance it really measured. When a
channel fits more than one flagged partner the pairing is unknown, and all of
them stay masked that day.
"""

from __future__ import annotations

from dataclasses import dataclass
import itertools
from typing import TYPE_CHECKING

import numpy as np

from training.appliances import KIND_SPECS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from training.datasets.recording import Channel

# A monitor is "in use" above this, whatever it feeds: standby stays below.
IN_USE_W = 20.0
# Too little use says nothing about the appliance behind the monitor.
MIN_USE_FOR_VERDICT_S = 1800.0
# One sample above the limit can be a start-up surge; two in a row cannot.
SUSTAINED_SAMPLES = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureFlag:
    """Say that a channel did not look like its appliance during one day."""

    channel: str
    day_start_s: float
    day_end_s: float
    reason: str
    swapped_with: str | None = None


def check_signature(
    channel: Channel,
    timestamps_s: np.ndarray,
    span_ends_s: np.ndarray,
    local_day: np.ndarray,
) -> list[SignatureFlag]:
    """Return the days on which a channel's power does not fit its kind."""
    spec = KIND_SPECS[channel.kind]
    if spec.max_plausible_w is None and spec.min_typical_on_w is None:
        return []
    flags: list[SignatureFlag] = []
    _, first = np.unique(local_day, return_index=True)
    bounds = [*first.tolist(), local_day.size]
    for start, end in itertools.pairwise(bounds):
        power = channel.power_w[start:end]
        durations = span_ends_s[start:end] - timestamps_s[start:end]
        reason = _misfit(
            power,
            durations,
            channel.kind.value.replace("_", " "),
            spec.max_plausible_w,
            spec.min_typical_on_w,
        )
        if reason is not None:
            flags.append(
                SignatureFlag(
                    channel=channel.name,
                    day_start_s=float(timestamps_s[start]),
                    day_end_s=float(span_ends_s[end - 1]),
                    reason=reason,
                )
            )
    return flags


def find_swaps(
    channels: Sequence[Channel],
    flags: Mapping[str, Sequence[SignatureFlag]],
    timestamps_s: np.ndarray,
    span_ends_s: np.ndarray,
) -> dict[tuple[str, float], Channel]:
    """Return the flagged channel-days whose power fits another flagged channel.

    A key is (channel name, day start); its value is the channel whose
    appliance this channel really measured that day. Only mutual fits count:
    one misfit alone says the monitor held something, not what. A channel
    that fits two flagged partners on one day says neither, and so do they.
    """
    by_day: dict[float, list[tuple[Channel, SignatureFlag]]] = {}
    for channel in channels:
        for flag in flags.get(channel.name, ()):
            by_day.setdefault(flag.day_start_s, []).append((channel, flag))
    swaps: dict[tuple[str, float], Channel] = {}
    durations = span_ends_s - timestamps_s
    for day_start, flagged in by_day.items():
        day = (timestamps_s >= day_start) & (timestamps_s < flagged[0][1].day_end_s)
        partners = _mutual_fits([channel for channel, _ in flagged], day, durations)
        for index, found in enumerate(partners):
            if len(found) == 1 and len(partners[found[0]]) == 1:
                swaps[(flagged[index][0].name, day_start)] = flagged[found[0]][0]
    return swaps


def _mutual_fits(
    channels: Sequence[Channel], day: np.ndarray, durations: np.ndarray
) -> list[list[int]]:
    """Return, for each channel, the indexes of those it fits mutually by name."""
    partners: list[list[int]] = [[] for _ in channels]
    for (i, one), (j, other) in itertools.combinations(enumerate(channels), 2):
        if one.kind == other.kind:
            continue
        if _fits(one, other, day, durations) and _fits(other, one, day, durations):
            partners[i].append(j)
            partners[j].append(i)
    return partners


def _fits(
    channel: Channel, named: Channel, day: np.ndarray, durations: np.ndarray
) -> bool:
    """Tell whether a channel's power on a day fits another channel's appliance."""
    spec = KIND_SPECS[named.kind]
    return (
        _misfit(
            channel.power_w[day],
            durations[day],
            named.kind.value,
            spec.max_plausible_w,
            spec.min_typical_on_w,
        )
        is None
    )


def _misfit(
    power: np.ndarray,
    durations: np.ndarray,
    kind: str,
    max_plausible_w: float | None,
    min_typical_on_w: float | None,
) -> str | None:
    """Return why one day's power does not fit the appliance, or None."""
    finite = np.isfinite(power)
    if max_plausible_w is not None:
        over = finite & (power > max_plausible_w)
        run = over[SUSTAINED_SAMPLES - 1 :].copy()
        for lag in range(1, SUSTAINED_SAMPLES):
            run &= over[SUSTAINED_SAMPLES - 1 - lag : over.size - lag]
        if run.any():
            peak = float(np.max(power[over]))
            return f"draws {peak:.0f} W, more than a {kind} can"
    if min_typical_on_w is not None:
        in_use = finite & (power > IN_USE_W)
        use_s = float(np.sum(durations[in_use]))
        if use_s >= MIN_USE_FOR_VERDICT_S:
            typical = float(np.percentile(power[in_use], 90))
            if typical < min_typical_on_w:
                return (
                    f"draws about {typical:.0f} W for {use_s / 3600:.1f} h, "
                    f"not like a {kind}"
                )
    return None
