"""Run the whole detection path on each meter reading, behind one small facade."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
import sys
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from .events import ActivityEvent
from .features import FEATURE_NAMES, FeatureStream, MinuteFeatures
from .fusion import ActivityFusion, FusionConfig, fallback_score, sensitivity_value
from .inactivity import InactivityConfig, InactivityTracker
from .night_baseline import NightBaseline, NightStatus, NightWindow
from .stored import stored_version

if TYPE_CHECKING:
    from .model import ActivityModel

STATE_VERSION: Final = 1
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorConfig:
    """Hold the user's choices: zone, sensitivity, night and day windows."""

    timezone: str = "UTC"
    sensitivity: str | float = "medium"
    night: NightWindow = field(default_factory=NightWindow)
    inactivity: InactivityConfig = field(default_factory=InactivityConfig)


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorState:
    """Hold everything the entities show after one finished minute."""

    minute_start_s: float
    power_va: float
    probability: float | None
    score: float
    active: bool
    active_changed: bool
    active_since_s: float | None
    night_in_window: bool
    night_activity: bool
    night_excess_va: float
    night_baseline_va: float
    night_threshold_va: float
    learning_progress: float
    last_activity_s: float | None
    inactive_for_s: float
    inactivity_alert: bool
    inactivity_threshold_s: float
    inactivity_threshold_learned: bool
    events: tuple[ActivityEvent, ...]


class ActivityDetector:
    """Turn meter readings into activity state, night flags and events.

    Call `update` once per reading; it returns a `DetectorState` when a
    minute has finished and None otherwise. Without a model (missing or
    broken file) the night baseline and a baseload rule keep detecting.
    """

    def __init__(
        self,
        config: DetectorConfig | None = None,
        model: ActivityModel | None = None,
    ) -> None:
        """Build every stage afresh for the given configuration."""
        self.config = config or DetectorConfig()
        self._sensitivity = sensitivity_value(self.config.sensitivity)
        self.model = model
        self.features = FeatureStream(self.config.timezone)
        self.night = NightBaseline(
            self.config.night, self.config.timezone, sensitivity=self._sensitivity
        )
        self.inactivity = InactivityTracker(
            self.config.inactivity, self.config.timezone
        )
        self.fusion = ActivityFusion(self._fusion_config())
        self._night_was_active = False

    def _fusion_config(self) -> FusionConfig:
        """Return the fusion settings for the current model and sensitivity."""
        threshold = self.model.threshold if self.model is not None else 0.5
        return FusionConfig(sensitivity=self._sensitivity, model_threshold=threshold)

    def set_model(self, model: ActivityModel | None) -> None:
        """Swap the model (or drop it) without losing anything learned."""
        self.model = model
        self.fusion.config = self._fusion_config()

    def update(
        self,
        timestamp_s: float,
        apparent_power_va: float,
        offpeak: bool | None,
        energy_wh: int | None = None,
    ) -> DetectorState | None:
        """Feed one reading; return the new state when a minute has finished."""
        finished = self.features.push(
            timestamp_s, apparent_power_va, offpeak, energy_wh
        )
        if finished is None:
            return None
        return self._judge(finished)

    def _judge(self, minute: MinuteFeatures) -> DetectorState:
        """Run model, night baseline, fusion and inactivity on one minute."""
        values = minute.values
        start = minute.minute_start_s
        features = values.tolist()
        offpeak_known = features[_INDEX["offpeak_known"]] > 0.5
        night = self.night.update(
            start,
            features[_INDEX["va_mean"]],
            features[_INDEX["va_min"]],
            features[_INDEX["offpeak"]] > 0.5 if offpeak_known else None,
            features[_INDEX["offpeak_elapsed_min"]],
            step_up_va=features[_INDEX["step_up_max_va"]],
        )
        probability = self.model.probability(values) if self.model is not None else None
        fused = self.fusion.update(
            start, probability, night, fallback_score(features, night)
        )
        events = self.inactivity.update(start, fused.active)
        events.extend(self._night_events(start, night))
        now = start + 60.0
        quiet_from = self.inactivity.last_activity_s
        return DetectorState(
            minute_start_s=start,
            power_va=features[_INDEX["va_mean"]],
            probability=probability,
            score=fused.score,
            active=fused.active,
            active_changed=fused.changed,
            active_since_s=fused.since_s,
            night_in_window=night.in_window,
            night_activity=night.night_activity,
            night_excess_va=night.excess_va,
            night_baseline_va=night.baseline_va,
            night_threshold_va=night.threshold_va,
            learning_progress=self.night.learning_progress,
            last_activity_s=self.inactivity.last_activity_s,
            inactive_for_s=self.inactivity.inactive_for_s(now),
            inactivity_alert=self.inactivity.alert,
            inactivity_threshold_s=self.inactivity.threshold_s(
                quiet_from if quiet_from is not None else now
            ),
            inactivity_threshold_learned=self.inactivity.learned,
            events=tuple(events),
        )

    def _night_events(self, start: float, night: NightStatus) -> list[ActivityEvent]:
        """Emit one event when unusual night activity begins."""
        began = night.night_activity and not self._night_was_active
        self._night_was_active = night.night_activity
        if not began:
            return []
        sustained = self.night.sustain_minutes * 60.0
        return [
            ActivityEvent(
                kind="night_activity",
                at_s=start + 60.0,
                since_s=start + 60.0 - sustained,
                duration_s=sustained,
                threshold_s=None,
            )
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return everything learned, as plain data for Home Assistant's store."""
        return {
            "version": STATE_VERSION,
            "features": self.features.to_dict(),
            "night": self.night.to_dict(),
            "inactivity": self.inactivity.to_dict(),
            "fusion": self.fusion.to_dict(),
        }

    @classmethod
    def from_dict(
        cls,
        data: Any,  # noqa: ANN401
        config: DetectorConfig | None = None,
        model: ActivityModel | None = None,
    ) -> ActivityDetector:
        """Restore a detector from `to_dict`; raise StateError if malformed."""
        data = stored_version(data, STATE_VERSION, "detector")
        detector = cls(config, model)
        config = detector.config
        detector.features = FeatureStream.from_dict(
            data.get("features"), config.timezone
        )
        detector.night = NightBaseline.from_dict(
            data.get("night"),
            config.night,
            config.timezone,
            sensitivity=detector._sensitivity,
        )
        detector.inactivity = InactivityTracker.from_dict(
            data.get("inactivity"), config.inactivity, config.timezone
        )
        detector.fusion = ActivityFusion.from_dict(
            data.get("fusion"), detector._fusion_config()
        )
        return detector

    def memory_bytes(self, *, include_model: bool = True) -> int:
        """Return an estimate of the memory this detector holds."""
        seen: set[int] = set()
        if not include_model and self.model is not None:
            # Marking the model as already counted leaves it out.
            seen.add(id(self.model))
        return _deep_size(self, seen)


def _deep_size(obj: object, seen: set[int]) -> int:
    """Add up the sizes of an object graph, counting shared objects once."""
    if id(obj) in seen or isinstance(obj, type):
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return sys.getsizeof(obj)
    size = sys.getsizeof(obj)
    children: list[object] = []
    if isinstance(obj, dict):
        children = [*obj.keys(), *obj.values()]
    elif isinstance(obj, list | tuple | deque | set | frozenset):
        children = list(obj)
    elif isinstance(obj, str | bytes | int | float | bool) or obj is None:
        return size
    else:
        attributes = getattr(obj, "__dict__", None)
        if attributes is not None:
            children.append(attributes)
        for name in getattr(type(obj), "__slots__", ()):
            if hasattr(obj, name):
                children.append(getattr(obj, name))
    return size + sum(_deep_size(child, seen) for child in children)
