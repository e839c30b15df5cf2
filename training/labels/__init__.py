"""Derive activity labels from appliance channels, and check the channels first."""

from __future__ import annotations

from training.labels.rules import (
    ActivityIntervals,
    ChannelLabelling,
    LabelConfig,
    MinuteLabels,
    SampleLabels,
    activity_intervals,
    has_labels,
    label_minutes,
    label_samples,
)
from training.labels.signatures import SignatureFlag

__all__ = [
    "ActivityIntervals",
    "ChannelLabelling",
    "LabelConfig",
    "MinuteLabels",
    "SampleLabels",
    "SignatureFlag",
    "activity_intervals",
    "has_labels",
    "label_minutes",
    "label_samples",
]
