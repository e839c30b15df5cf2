"""Classify appliances by what their use says about a person being active."""

from __future__ import annotations

from enum import StrEnum


class ApplianceClass(StrEnum):
    """Name what an appliance's power tells about human activity."""

    # Switched on by a person who is at home and awake, for a short bounded time.
    ACTIVITY = "activity"
    # Started by a person, then runs alone: only the first minutes count.
    START_ONLY = "start_only"
    # Driven by a thermostat, a timer or a tariff signal, or always on.
    BACKGROUND = "background"
    # Unknown or mixed circuits: masked out of labels and scores.
    AMBIGUOUS = "ambiguous"
