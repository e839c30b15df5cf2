"""Track time since the last activity, raise inactivity alerts, spot arrivals.

Inactivity is counted inside the day window only: at the window's start the
counter starts from zero even after a quiet night, so the alert means "no
activity for this long today". The threshold is the configured one, or once
seven days have been seen and at least five quiet periods are known around
that hour, 1.2 times the 95th percentile of this home's own quiet periods
that began within an hour of the current one's start (kept per hour of day,
30 at most each), within 1 to 12 hours. Otherwise a 4-hour default applies.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import numpy as np

from .errors import StateError
from .events import ActivityEvent
from .features import low_percentile, resolve_timezone
from .stored import stored_int, stored_number, stored_time, stored_version

STATE_VERSION: Final = 1
MINUTES_PER_DAY: Final = 1440
GAPS_PER_HOUR: Final = 30
MIN_GAP_S: Final = 600.0
DAYS_TO_LEARN: Final = 7
GAPS_TO_LEARN: Final = 5
GAP_PERCENTILE: Final = 95.0
GAP_MARGIN: Final = 1.2
MIN_THRESHOLD_S: Final = 3600.0
MAX_THRESHOLD_S: Final = 12 * 3600.0
MAX_GAP_S: Final = 7 * 86400.0


@dataclass(frozen=True, slots=True, kw_only=True)
class InactivityConfig:
    """Hold the day window, thresholds and arrival rule (minutes, local time)."""

    day_start_min: int = 7 * 60
    day_end_min: int = 22 * 60
    threshold_min: float | None = None
    default_threshold_min: float = 240.0
    arrival_quiet_min: float = 120.0
    arrival_start_min: int | None = None
    arrival_end_min: int | None = None

    def __post_init__(self) -> None:
        """Refuse windows and thresholds that cannot mean anything."""
        for value in (self.day_start_min, self.day_end_min):
            if not 0 <= value < MINUTES_PER_DAY:
                raise ValueError("day window bounds must be within 0..1439 minutes")
        if self.day_start_min == self.day_end_min:
            raise ValueError("day window must not be empty")
        if self.threshold_min is not None and self.threshold_min <= 0:
            raise ValueError("inactivity threshold must be positive")
        if self.arrival_quiet_min <= 0:
            raise ValueError("arrival quiet time must be positive")
        if (self.arrival_start_min is None) != (self.arrival_end_min is None):
            raise ValueError("arrival window must have both a start and an end")
        for bound in (self.arrival_start_min, self.arrival_end_min):
            if bound is not None and not 0 <= bound < MINUTES_PER_DAY:
                raise ValueError("arrival window bounds must be within 0..1439")


def _in_window(of_day: int, start: int, end: int) -> bool:
    """Return whether a local minute of day lies in [start, end), across midnight."""
    return (of_day - start) % MINUTES_PER_DAY < (end - start) % MINUTES_PER_DAY


class InactivityTracker:
    """Follow activity minute by minute and emit alert and arrival events."""

    def __init__(
        self, config: InactivityConfig | None = None, timezone: str = "UTC"
    ) -> None:
        """Start with no activity seen and nothing learned."""
        self.config = config or InactivityConfig()
        self.timezone = timezone
        self._zone = resolve_timezone(timezone)
        self.last_activity_s: float | None = None
        self.alert = False
        self._quiet_since_s: float | None = None
        self._gaps: list[deque[float]] = [
            deque(maxlen=GAPS_PER_HOUR) for _ in range(24)
        ]
        self._days_seen = 0
        self._last_day = -1

    def inactive_for_s(self, now_s: float) -> float:
        """Return how long the home has been quiet (0 while active)."""
        since = self.last_activity_s
        if since is None:
            since = self._quiet_since_s
        return 0.0 if since is None else max(0.0, now_s - since)

    def update(self, minute_start_s: float, active: bool) -> list[ActivityEvent]:
        """Fold one minute's activity state in; return the events it causes."""
        now = minute_start_s + 60.0
        local = datetime.fromtimestamp(minute_start_s, self._zone)
        of_day = local.hour * 60 + local.minute
        day = local.date().toordinal()
        if day != self._last_day:
            self._last_day = day
            self._days_seen += 1
        if self._quiet_since_s is None or now < self._quiet_since_s:
            self._quiet_since_s = minute_start_s
        if active:
            return self._on_activity(minute_start_s, now, of_day)
        return self._on_quiet(minute_start_s, now, of_day)

    def _on_activity(
        self, minute_start_s: float, now: float, of_day: int
    ) -> list[ActivityEvent]:
        """Close the quiet period: learn it, clear the alert, maybe arrive."""
        events: list[ActivityEvent] = []
        quiet_start = self.last_activity_s
        if quiet_start is not None and minute_start_s > quiet_start:
            quiet = minute_start_s - quiet_start
            if self.alert:
                events.append(
                    ActivityEvent(
                        kind="inactivity_cleared",
                        at_s=minute_start_s,
                        since_s=quiet_start,
                        duration_s=quiet,
                    )
                )
            if quiet >= self.config.arrival_quiet_min * 60.0 and self._arrival_time(
                of_day
            ):
                events.append(
                    ActivityEvent(
                        kind="arrival",
                        at_s=minute_start_s,
                        since_s=quiet_start,
                        duration_s=quiet,
                    )
                )
            self._learn_gap(quiet_start, minute_start_s)
        self.alert = False
        self.last_activity_s = now
        self._quiet_since_s = now
        return events

    def _on_quiet(
        self, minute_start_s: float, now: float, of_day: int
    ) -> list[ActivityEvent]:
        """Raise the alert once the day-window quiet time passes the threshold."""
        config = self.config
        if self.alert or not _in_window(
            of_day, config.day_start_min, config.day_end_min
        ):
            return []
        quiet_from = self._day_quiet_start(minute_start_s, of_day)
        threshold = self.threshold_s(quiet_from)
        if now - quiet_from < threshold:
            return []
        self.alert = True
        since = self.last_activity_s
        return [
            ActivityEvent(
                kind="inactivity_alert",
                at_s=now,
                since_s=since,
                duration_s=now - (since if since is not None else quiet_from),
                threshold_s=threshold,
            )
        ]

    def _day_quiet_start(self, minute_start_s: float, of_day: int) -> float:
        """Return when the quiet time counted today began (not before day start)."""
        minutes_into_day = (of_day - self.config.day_start_min) % MINUTES_PER_DAY
        day_start_s = minute_start_s - minutes_into_day * 60.0
        quiet_since = self._quiet_since_s
        assert quiet_since is not None
        return max(quiet_since, day_start_s)

    def _arrival_time(self, of_day: int) -> bool:
        """Return whether arrivals count at this local minute of day."""
        start = self.config.arrival_start_min
        end = self.config.arrival_end_min
        if start is None or end is None:
            return True
        return _in_window(of_day, start, end)

    def _learn_gap(self, start_s: float, end_s: float) -> None:
        """Remember a quiet period's day-window part under its starting hour."""
        config = self.config
        local = datetime.fromtimestamp(start_s, self._zone)
        of_day = local.hour * 60 + local.minute
        if not _in_window(of_day, config.day_start_min, config.day_end_min):
            # Only the part inside the day window counts; it starts at day start.
            skip = (config.day_start_min - of_day) % MINUTES_PER_DAY
            start_s += skip * 60.0
            of_day = config.day_start_min
        length = end_s - start_s
        if MIN_GAP_S <= length <= MAX_GAP_S:
            self._gaps[of_day // 60].append(length)

    def threshold_s(self, quiet_from_s: float) -> float:
        """Return the alert threshold for a quiet time that began at `quiet_from_s`."""
        config = self.config
        if config.threshold_min is not None:
            return config.threshold_min * 60.0
        default = config.default_threshold_min * 60.0
        if self._days_seen < DAYS_TO_LEARN:
            return default
        hour = datetime.fromtimestamp(quiet_from_s, self._zone).hour
        pooled = [
            gap for near in (hour - 1, hour, hour + 1) for gap in self._gaps[near % 24]
        ]
        if len(pooled) < GAPS_TO_LEARN:
            return default
        usual = low_percentile(np.asarray(pooled, dtype=np.float64), GAP_PERCENTILE)
        return min(MAX_THRESHOLD_S, max(MIN_THRESHOLD_S, usual * GAP_MARGIN))

    @property
    def learned(self) -> bool:
        """Return whether enough days were seen to use learned thresholds."""
        return self._days_seen >= DAYS_TO_LEARN

    def to_dict(self) -> dict[str, Any]:
        """Return the state as a plain, versioned dict."""
        return {
            "version": STATE_VERSION,
            "last_activity_s": self.last_activity_s,
            "quiet_since_s": self._quiet_since_s,
            "alert": self.alert,
            "days_seen": self._days_seen,
            "last_day": self._last_day,
            "gaps_s": [[round(g) for g in hour] for hour in self._gaps],
        }

    @classmethod
    def from_dict(
        cls,
        data: Any,  # noqa: ANN401
        config: InactivityConfig | None = None,
        timezone: str = "UTC",
    ) -> InactivityTracker:
        """Restore from `to_dict`; raise StateError if malformed."""
        data = stored_version(data, STATE_VERSION, "inactivity")
        tracker = cls(config, timezone)
        tracker.last_activity_s = stored_time(
            data.get("last_activity_s"), "last activity"
        )
        tracker._quiet_since_s = stored_time(data.get("quiet_since_s"), "quiet since")
        alert = data.get("alert")
        if not isinstance(alert, bool):
            raise StateError("inactivity: bad alert")
        tracker.alert = alert
        tracker._days_seen = stored_int(data.get("days_seen"), "days seen", 0, 10**7)
        tracker._last_day = stored_int(data.get("last_day"), "last day", -1, 10**7)
        gaps = data.get("gaps_s")
        if not isinstance(gaps, list) or len(gaps) != 24:
            raise StateError("inactivity: bad gaps_s")
        for hour, stored in enumerate(gaps):
            if not isinstance(stored, list) or len(stored) > GAPS_PER_HOUR:
                raise StateError("inactivity: bad gaps_s hour")
            tracker._gaps[hour].extend(
                stored_number(g, "gap", MIN_GAP_S, MAX_GAP_S) for g in stored
            )
        return tracker
