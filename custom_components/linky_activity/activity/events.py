"""Hold the events the detector emits for automations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

type EventKind = Literal[
    "inactivity_alert", "inactivity_cleared", "arrival", "night_activity"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityEvent:
    """Hold one event with the facts a notification needs.

    `since_s` is when the situation began (last activity for an alert or an
    arrival, start of the unusual load for night activity), `duration_s` how
    long it had lasted at `at_s`. Times are UTC epoch seconds.
    """

    kind: EventKind
    at_s: float
    since_s: float | None
    duration_s: float
    threshold_s: float | None = None
