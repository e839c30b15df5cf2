"""Replay the integration's inactivity alert over a detector's minutes and judge it.

The alert logic is the integration's own `InactivityTracker` with its default
settings (day window 07:00-22:00, four hours of quiet before the alert while
too few days are known to learn the home's usual gaps). An alert claims that
nothing happened during the `threshold_s` before it; it is false when the
labels show activity in that span: the person was there, the detector
missed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from custom_components.linky_activity.activity.inactivity import InactivityTracker

if TYPE_CHECKING:
    from training.windows import WindowTable

__all__ = ["AlertOutcome", "replay_alerts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertOutcome:
    """Count a detector's inactivity alerts on one house, judged by the labels."""

    alerts: int
    false_alerts: int
    gaps: int
    gaps_alerted: int
    days: float

    @property
    def false_alerts_per_week(self) -> float:
        """Return false alerts scaled to one week of this house's recording."""
        return self.false_alerts * 7.0 / self.days if self.days > 0 else float("nan")

    @property
    def gap_alert_rate(self) -> float:
        """Return the share of injected quiet periods that raised an alert."""
        return self.gaps_alerted / self.gaps if self.gaps else float("nan")


def replay_alerts(
    table: WindowTable,
    predicted: np.ndarray,
    *,
    gaps_s: tuple[tuple[float, float], ...] = (),
) -> AlertOutcome:
    """Feed each measured minute's decision to the tracker; judge its alerts.

    Minutes without a measurement are skipped, as the integration gets no
    minute then. `gaps_s` lists injected quiet periods (UTC start, end); a gap
    counts as alerted when a true alert fires inside it.
    """
    if table.window_s != 60.0:
        msg = "inactivity alerts are replayed on one-minute windows only"
        raise ValueError(msg)
    tracker = InactivityTracker(timezone=table.timezone)
    measured = np.isfinite(table.power)
    active = np.asarray(predicted, dtype=bool)
    labelled_starts = table.starts_s[table.labels & table.scored]

    alerts: list[tuple[float, bool]] = []
    for index in np.flatnonzero(measured):
        for event in tracker.update(float(table.starts_s[index]), bool(active[index])):
            if event.kind != "inactivity_alert":
                continue
            span = event.threshold_s if event.threshold_s is not None else 0.0
            first = np.searchsorted(labelled_starts, event.at_s - span, side="left")
            last = np.searchsorted(labelled_starts, event.at_s, side="left")
            alerts.append((event.at_s, bool(last > first)))

    gaps_alerted = sum(
        any(begin < moment <= end and not missed for moment, missed in alerts)
        for begin, end in gaps_s
    )
    return AlertOutcome(
        alerts=len(alerts),
        false_alerts=sum(missed for _, missed in alerts),
        gaps=len(gaps_s),
        gaps_alerted=gaps_alerted,
        days=table.days,
    )
