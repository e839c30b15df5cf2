"""Turn the activity options of an entry into form fields and detector settings."""

from __future__ import annotations

from datetime import time
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TimeSelector,
)
import probatio

from .activity.detector import DetectorConfig
from .activity.inactivity import InactivityConfig
from .activity.night_baseline import NightWindow
from .activity_const import (
    CONF_DAY_END,
    CONF_DAY_START,
    CONF_INACTIVITY_THRESHOLD,
    CONF_NIGHT_END,
    CONF_NIGHT_START,
    CONF_SENSITIVITY,
    MAX_INACTIVITY_THRESHOLD_MIN,
    SENSITIVITIES,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)

MINUTES_PER_DAY: Final = 1440
_DEFAULT_INACTIVITY: Final = InactivityConfig()
_DEFAULT_NIGHT: Final = NightWindow()
DEFAULT_SENSITIVITY: Final = "normal"


def _clock(minute_of_day: int) -> str:
    """Return a minute of the day as the HH:MM:SS text a time field holds."""
    return time(minute_of_day // 60, minute_of_day % 60).isoformat()


def _minute_of_day(value: object, default: int) -> int:
    """Return the minute of the day a HH:MM[:SS] text gives, or `default`."""
    if not isinstance(value, str):
        return default
    try:
        moment = time.fromisoformat(value)
    except ValueError:
        return default
    return moment.hour * 60 + moment.minute


DEFAULTS: Final[dict[str, Any]] = {
    CONF_SENSITIVITY: DEFAULT_SENSITIVITY,
    CONF_DAY_START: _clock(_DEFAULT_INACTIVITY.day_start_min),
    CONF_DAY_END: _clock(_DEFAULT_INACTIVITY.day_end_min),
    CONF_NIGHT_START: _clock(_DEFAULT_NIGHT.start_min),
    CONF_NIGHT_END: _clock(_DEFAULT_NIGHT.end_min),
    CONF_INACTIVITY_THRESHOLD: 0,
}


def activity_options_schema(options: Mapping[str, Any]) -> dict[Any, Any]:
    """Return the activity fields of the options form, filled from `options`."""

    def current(key: str) -> Any:  # noqa: ANN401
        return options.get(key, DEFAULTS[key])

    return {
        probatio.Required(
            CONF_SENSITIVITY, default=current(CONF_SENSITIVITY)
        ): SelectSelector(
            SelectSelectorConfig(
                options=list(SENSITIVITIES),
                mode=SelectSelectorMode.LIST,
                translation_key=CONF_SENSITIVITY,
            )
        ),
        probatio.Required(CONF_DAY_START, default=current(CONF_DAY_START)): (
            TimeSelector()
        ),
        probatio.Required(CONF_DAY_END, default=current(CONF_DAY_END)): TimeSelector(),
        probatio.Required(CONF_NIGHT_START, default=current(CONF_NIGHT_START)): (
            TimeSelector()
        ),
        probatio.Required(CONF_NIGHT_END, default=current(CONF_NIGHT_END)): (
            TimeSelector()
        ),
        probatio.Required(
            CONF_INACTIVITY_THRESHOLD, default=current(CONF_INACTIVITY_THRESHOLD)
        ): NumberSelector(
            NumberSelectorConfig(
                min=0,
                max=MAX_INACTIVITY_THRESHOLD_MIN,
                step=5,
                unit_of_measurement="min",
                mode=NumberSelectorMode.BOX,
            )
        ),
    }


def activity_options_from_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the activity options to store from a submitted options form."""
    threshold = user_input.get(CONF_INACTIVITY_THRESHOLD) or 0
    return {
        CONF_SENSITIVITY: user_input.get(CONF_SENSITIVITY, DEFAULT_SENSITIVITY),
        CONF_DAY_START: user_input.get(CONF_DAY_START, DEFAULTS[CONF_DAY_START]),
        CONF_DAY_END: user_input.get(CONF_DAY_END, DEFAULTS[CONF_DAY_END]),
        CONF_NIGHT_START: user_input.get(CONF_NIGHT_START, DEFAULTS[CONF_NIGHT_START]),
        CONF_NIGHT_END: user_input.get(CONF_NIGHT_END, DEFAULTS[CONF_NIGHT_END]),
        CONF_INACTIVITY_THRESHOLD: int(threshold),
    }


def _night_window(options: Mapping[str, Any]) -> NightWindow:
    """Return the night window the options ask for, or the default one."""
    start = _minute_of_day(options.get(CONF_NIGHT_START), _DEFAULT_NIGHT.start_min)
    end = _minute_of_day(options.get(CONF_NIGHT_END), _DEFAULT_NIGHT.end_min)
    try:
        return NightWindow(start_min=start, end_min=end)
    except ValueError as err:
        _LOGGER.warning("Night window option ignored, using the default: %s", err)
        return _DEFAULT_NIGHT


def _inactivity(options: Mapping[str, Any]) -> InactivityConfig:
    """Return the day window and threshold the options ask for, or the defaults."""
    start = _minute_of_day(
        options.get(CONF_DAY_START), _DEFAULT_INACTIVITY.day_start_min
    )
    end = _minute_of_day(options.get(CONF_DAY_END), _DEFAULT_INACTIVITY.day_end_min)
    threshold = options.get(CONF_INACTIVITY_THRESHOLD)
    # Blank or zero leaves the threshold to what the home's usual gaps teach.
    threshold_min = (
        float(threshold)
        if isinstance(threshold, int | float) and threshold > 0
        else None
    )
    try:
        return InactivityConfig(
            day_start_min=start,
            day_end_min=end,
            threshold_min=threshold_min,
        )
    except ValueError as err:
        _LOGGER.warning("Day window option ignored, using the default: %s", err)
        return _DEFAULT_INACTIVITY


def detector_config(options: Mapping[str, Any], timezone: str) -> DetectorConfig:
    """Return the detector settings for an entry's options and Home's time zone."""
    sensitivity = options.get(CONF_SENSITIVITY, DEFAULT_SENSITIVITY)
    if sensitivity not in SENSITIVITIES:
        sensitivity = DEFAULT_SENSITIVITY
    return DetectorConfig(
        timezone=timezone,
        sensitivity=sensitivity,
        night=_night_window(options),
        inactivity=_inactivity(options),
    )
