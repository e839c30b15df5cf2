"""Hold the names and defaults the activity side of the integration shares."""

from __future__ import annotations

from typing import Final

# Events fired on the bus; their data carries the facts a notification needs.
EVENT_INACTIVITY_ALERT: Final = "linky_activity_inactivity_alert"
EVENT_NIGHT_ACTIVITY: Final = "linky_activity_night_activity"
EVENT_ARRIVAL: Final = "linky_activity_arrival"
ACTIVITY_EVENTS: Final = (EVENT_INACTIVITY_ALERT, EVENT_NIGHT_ACTIVITY, EVENT_ARRIVAL)

ATTR_ENTRY_ID: Final = "entry_id"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_SINCE: Final = "since"
ATTR_MINUTES: Final = "minutes"
ATTR_THRESHOLD_MINUTES: Final = "threshold_minutes"
ATTR_THRESHOLD_LEARNED: Final = "threshold_learned"
ATTR_AT: Final = "at"
ATTR_QUIET_MINUTES: Final = "quiet_minutes"
ATTR_POWER_VA: Final = "power_va"
ATTR_BASELINE_VA: Final = "baseline_va"

# Options (set in the options flow; the data is never needed to detect).
CONF_SENSITIVITY: Final = "sensitivity"
CONF_DAY_START: Final = "day_start"
CONF_DAY_END: Final = "day_end"
CONF_NIGHT_START: Final = "night_start"
CONF_NIGHT_END: Final = "night_end"
CONF_INACTIVITY_THRESHOLD: Final = "inactivity_threshold_min"

SENSITIVITY_LOW: Final = "low"
SENSITIVITY_NORMAL: Final = "normal"
SENSITIVITY_HIGH: Final = "high"
SENSITIVITIES: Final = (SENSITIVITY_LOW, SENSITIVITY_NORMAL, SENSITIVITY_HIGH)

DEFAULT_SENSITIVITY: Final = SENSITIVITY_NORMAL
DEFAULT_DAY_START: Final = "08:00:00"
DEFAULT_DAY_END: Final = "21:00:00"
DEFAULT_NIGHT_START: Final = "23:30:00"
DEFAULT_NIGHT_END: Final = "05:30:00"
# Zero means "learn it from the home's own usual gaps".
DEFAULT_INACTIVITY_THRESHOLD_MIN: Final = 0
MAX_INACTIVITY_THRESHOLD_MIN: Final = 24 * 60

ISSUE_MODEL_UNUSABLE: Final = "model_unusable"
MODEL_FILE_NAME: Final = "activity_model.json"
