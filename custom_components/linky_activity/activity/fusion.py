"""Fuse model probability and night deviation into a debounced activity state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .errors import StateError
from .features import FEATURE_NAMES
from .stored import stored_time, stored_version

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .night_baseline import NightStatus

SENSITIVITY_LEVELS: Final[dict[str, float]] = {
    "low": 0.25,
    "medium": 0.5,
    "normal": 0.5,
    "high": 0.75,
}
# How far sensitivity moves the on threshold away from the model's own.
SENSITIVITY_SPAN: Final = 0.4
STATE_VERSION: Final = 1
# Without a sample for this long the state cannot be vouched for: it drops.
MAX_SILENCE_S: Final = 600.0

# The fallback score (no usable model): level over the home's baseload where
# FALLBACK_LEVEL_VA scores 0.5, or a large switch this minute.
FALLBACK_LEVEL_VA: Final = 300.0
FALLBACK_STEP_SCORE: Final = 0.75
FALLBACK_BACKGROUND_CAP: Final = 0.3
OFFPEAK_START_GRACE_MIN: Final = 20.0

_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def sensitivity_value(sensitivity: str | float) -> float:
    """Return sensitivity as 0..1 from a level name or a number."""
    if isinstance(sensitivity, str):
        try:
            return SENSITIVITY_LEVELS[sensitivity]
        except KeyError:
            raise ValueError(f"unknown sensitivity {sensitivity!r}") from None
    value = float(sensitivity)
    if not 0.0 <= value <= 1.0:
        raise ValueError("sensitivity must be within 0..1")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class FusionConfig:
    """Hold the thresholds that turn a score into a steady on/off state."""

    sensitivity: float = 0.5
    model_threshold: float = 0.5
    hysteresis: float = 0.15
    min_on_minutes: int = 5
    off_confirm_minutes: int = 2

    @property
    def on_threshold(self) -> float:
        """Return the score at which the state turns on."""
        shifted = self.model_threshold + (0.5 - self.sensitivity) * SENSITIVITY_SPAN
        return min(0.95, max(0.05, shifted))

    @property
    def off_threshold(self) -> float:
        """Return the score under which the state may turn off."""
        return max(0.01, self.on_threshold - self.hysteresis)


@dataclass(frozen=True, slots=True, kw_only=True)
class FusionResult:
    """Hold the fused state after one minute."""

    active: bool
    changed: bool
    score: float
    since_s: float | None


def fallback_score(features: Sequence[float], night: NightStatus | None) -> float:
    """Score activity without a model: level over baseload and large switches.

    This keeps the integration detecting when the model file is missing or
    broken. Loads the night baseline explains (water heater at off-peak,
    thermostat cycling) are capped under the on threshold.
    """
    level = features[_INDEX["ctx5_level_over_baseload_va"]]
    score = min(1.0, max(0.0, level / (2.0 * FALLBACK_LEVEL_VA)))
    large_steps = features[_INDEX["steps_up_500"]] + features[_INDEX["steps_down_500"]]
    offpeak_start = (
        features[_INDEX["offpeak"]] > 0.5
        and features[_INDEX["offpeak_elapsed_min"]] <= OFFPEAK_START_GRACE_MIN
    )
    if large_steps >= 1 and not offpeak_start:
        score = max(score, FALLBACK_STEP_SCORE)
    if night is not None and night.background is not None:
        score = min(score, FALLBACK_BACKGROUND_CAP)
    return score


class ActivityFusion:
    """Debounce the activity score with hysteresis and a minimum on-time."""

    def __init__(self, config: FusionConfig | None = None) -> None:
        """Start inactive."""
        self.config = config or FusionConfig()
        self.active = False
        self.since_s: float | None = None
        self._on_minute = 0
        self._below = 0
        self._last_s: float | None = None

    def update(
        self,
        minute_start_s: float,
        probability: float | None,
        night: NightStatus | None,
        fallback: float,
    ) -> FusionResult:
        """Fold one minute's evidence into the state and report it."""
        config = self.config
        was_active = self.active
        if self._last_s is not None and (
            minute_start_s - self._last_s > MAX_SILENCE_S
            or minute_start_s < self._last_s
        ):
            self.active = False
            self.since_s = self._last_s + 60.0
        self._last_s = minute_start_s

        score = fallback if probability is None else probability
        if night is not None and night.night_activity:
            score = 1.0

        if not self.active:
            if score >= config.on_threshold:
                self.active = True
                self.since_s = minute_start_s
                self._on_minute = 0
                self._below = 0
        else:
            self._on_minute += 1
            self._below = self._below + 1 if score < config.off_threshold else 0
            if (
                self._below >= config.off_confirm_minutes
                and self._on_minute >= config.min_on_minutes
            ):
                self.active = False
                self.since_s = minute_start_s
        if self.since_s is None:
            self.since_s = minute_start_s
        return FusionResult(
            active=self.active,
            changed=self.active != was_active,
            score=score,
            since_s=self.since_s,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the state as a plain, versioned dict."""
        return {
            "version": STATE_VERSION,
            "active": self.active,
            "since_s": self.since_s,
            "last_s": self._last_s,
        }

    @classmethod
    def from_dict(
        cls,
        data: Any,  # noqa: ANN401
        config: FusionConfig | None = None,
    ) -> ActivityFusion:
        """Restore from `to_dict`; raise StateError if malformed."""
        data = stored_version(data, STATE_VERSION, "fusion")
        active = data.get("active")
        if not isinstance(active, bool):
            raise StateError("fusion: bad active")
        fusion = cls(config)
        fusion.active = active
        fusion.since_s = stored_time(data.get("since_s"), "fusion since_s")
        fusion._last_s = stored_time(data.get("last_s"), "fusion last_s")
        return fusion
