"""Hold the names and defaults the activity side of the integration shares."""

from __future__ import annotations

from typing import Final

# Events fired on the bus; their data carries the facts a notification needs.
EVENT_INACTIVITY_ALERT: Final = "linky_activity_inactivity_alert"
EVENT_NIGHT_ACTIVITY: Final = "linky_activity_night_activity"
EVENT_ARRIVAL: Final = "linky_activity_arrival"
EVENT_INACTIVITY_CLEARED: Final = "linky_activity_inactivity_cleared"
# The bus event of each kind of detector event; also the device trigger types.
EVENT_TYPES: Final = {
    "inactivity_alert": EVENT_INACTIVITY_ALERT,
    "inactivity_cleared": EVENT_INACTIVITY_CLEARED,
    "night_activity": EVENT_NIGHT_ACTIVITY,
    "arrival": EVENT_ARRIVAL,
}

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
ATTR_THRESHOLD_VA: Final = "threshold_va"

# Options (set in the options flow; the data is never needed to detect).
CONF_SENSITIVITY: Final = "sensitivity"
CONF_DAY_START: Final = "day_start"
CONF_DAY_END: Final = "day_end"
CONF_NIGHT_START: Final = "night_start"
CONF_NIGHT_END: Final = "night_end"
CONF_INACTIVITY_THRESHOLD: Final = "inactivity_threshold_min"

SENSITIVITIES: Final = ("low", "normal", "high")
# Zero means "learn it from the home's own usual gaps".
MAX_INACTIVITY_THRESHOLD_MIN: Final = 24 * 60

ISSUE_MODEL_UNUSABLE: Final = "model_unusable"
MODEL_FILE_NAME: Final = "activity_model.json"
