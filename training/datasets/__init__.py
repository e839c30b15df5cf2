"""Read public energy datasets in their native layouts as house recordings."""

from __future__ import annotations

from training.datasets.errors import DatasetError
from training.datasets.recording import (
    ApplianceClass,
    ApplianceKind,
    Channel,
    Flow,
    HouseRecording,
)

__all__ = [
    "ApplianceClass",
    "ApplianceKind",
    "Channel",
    "DatasetError",
    "Flow",
    "HouseRecording",
]
