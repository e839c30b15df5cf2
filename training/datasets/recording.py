"""Hold what every dataset reader returns: one house's power over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from training.appliances import ApplianceClass, ApplianceKind, class_of, kind_of

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

__all__ = [
    "ApplianceClass",
    "ApplianceKind",
    "Channel",
    "Flow",
    "HouseRecording",
    "channel_named",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    """Hold one appliance monitor or sub-meter, aligned with its house's clock.

    `power_w` is active power in watts (float64, NaN where the dataset has no
    value), one value per `HouseRecording.timestamps_s` entry. `kind` says
    which labelling rule applies (on-threshold, signature check).
    """

    name: str
    appliance_class: ApplianceClass
    power_w: np.ndarray
    kind: ApplianceKind = ApplianceKind.UNKNOWN


@dataclass(frozen=True, slots=True, kw_only=True)
class Flow:
    """Hold a non-electric meter (water, gas) as a rate per minute.

    `rate_per_min` is in `unit` per minute (litres for water, cubic feet or
    cubic metres for gas as the dataset gives them), NaN where missing,
    aligned with `HouseRecording.timestamps_s`.
    """

    name: str
    unit: str
    rate_per_min: np.ndarray


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseRecording:
    """Hold one house's recording: aggregate power and appliance channels.

    `occupancy` is ground truth where a dataset has it (ECO): 1.0 occupied,
    0.0 empty, NaN unknown, aligned with `timestamps_s`.

    Every value at `timestamps_s[i]` holds until `timestamps_s[i + 1]` (sample
    and hold), but never longer than `max_hold_s`: a longer step is a gap in
    the recording and must be treated as missing, never filled.
    """

    dataset: str
    house: str
    timezone: str
    timestamps_s: np.ndarray
    aggregate_w: np.ndarray | None
    channels: tuple[Channel, ...]
    source: Path
    sample_period_s: float
    max_hold_s: float
    flows: tuple[Flow, ...] = field(default=())
    occupancy: np.ndarray | None = None

    @property
    def duration_s(self) -> float:
        """Return the time span the recording covers, last sample held included."""
        if self.timestamps_s.size == 0:
            return 0.0
        span = float(self.timestamps_s[-1] - self.timestamps_s[0])
        return span + self.sample_period_s

    def channel(self, name: str) -> Channel:
        """Return the channel with this dataset name."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)


def channel_named(
    name: str,
    power_w: np.ndarray,
    kind: ApplianceKind | None = None,
) -> Channel:
    """Build a channel, taking its kind from its name unless given."""
    resolved = kind_of(name) if kind is None else kind
    return Channel(
        name=name,
        appliance_class=class_of(resolved),
        power_w=power_w,
        kind=resolved,
    )
