"""Show a dataset home as the Linky would, and add the background French homes have."""

from __future__ import annotations

from training.simulation.background import BackgroundConfig, augment
from training.simulation.frames import TimedFrame, meter_frames
from training.simulation.load_curve import LoadCurve, load_curve
from training.simulation.meter import MeterChunk, MeterConfig, simulate_meter
from training.simulation.tariff import NIGHT_OFF_PEAK, OffPeakSchedule

__all__ = [
    "NIGHT_OFF_PEAK",
    "BackgroundConfig",
    "LoadCurve",
    "MeterChunk",
    "MeterConfig",
    "OffPeakSchedule",
    "TimedFrame",
    "augment",
    "load_curve",
    "meter_frames",
    "simulate_meter",
]
