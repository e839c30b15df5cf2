"""Show whether someone is active, night activity, and the inactivity alert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass

from .activity_const import ATTR_SINCE, ATTR_THRESHOLD_LEARNED, ATTR_THRESHOLD_MINUTES
from .activity_entity import ActivityEntity
from .activity_runtime import activity_runtime

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .activity.detector import DetectorState
    from .activity_runtime import ActivityRuntime


def _alert_attributes(runtime: ActivityRuntime) -> dict[str, Any]:
    """Return the threshold and the start of the quiet time behind the alert.

    While the home is active there is no quiet time: `since` is then None
    rather than the last active minute, which would change the attributes,
    and so write the entity to the recorder, every minute of activity.
    """
    state = runtime.state
    if state is None:
        return {}
    last = None if state.active else runtime.last_activity
    return {
        ATTR_THRESHOLD_MINUTES: round(state.inactivity_threshold_s / 60.0),
        ATTR_THRESHOLD_LEARNED: state.inactivity_threshold_learned,
        ATTR_SINCE: last.isoformat() if last is not None else None,
    }


@dataclass(frozen=True, kw_only=True)
class ActivityBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describe a binary verdict read from the detector's last minute."""

    is_on_fn: Callable[[DetectorState], bool]
    attributes_fn: Callable[[ActivityRuntime], dict[str, Any]] = lambda _runtime: {}


ACTIVITY_BINARY_SENSORS: tuple[ActivityBinarySensorEntityDescription, ...] = (
    ActivityBinarySensorEntityDescription(
        key="activity",
        translation_key="activity",
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        is_on_fn=lambda state: state.active,
    ),
    ActivityBinarySensorEntityDescription(
        key="night_activity",
        translation_key="night_activity",
        is_on_fn=lambda state: state.night_activity,
    ),
    ActivityBinarySensorEntityDescription(
        key="inactivity_alert",
        translation_key="inactivity_alert",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda state: state.inactivity_alert,
        attributes_fn=_alert_attributes,
    ),
)


class ActivityBinarySensor(ActivityEntity, BinarySensorEntity):
    """Show one of the detector's on/off verdicts."""

    entity_description: ActivityBinarySensorEntityDescription

    @override
    def _refresh(self) -> None:
        """Read the verdict of the last judged minute."""
        state = self.runtime.state
        description = self.entity_description
        self._attr_is_on = None if state is None else description.is_on_fn(state)
        self._attr_extra_state_attributes = description.attributes_fn(self.runtime)

    @override
    def _snapshot(self) -> tuple[Any, ...]:
        """Return the verdict and attributes last read."""
        return (self.available, self._attr_is_on, self._attr_extra_state_attributes)


def async_add_activity_binary_sensors(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the activity binary sensors to the meter's device."""
    runtime = activity_runtime(hass, entry)
    async_add_entities(
        ActivityBinarySensor(runtime, description)
        for description in ACTIVITY_BINARY_SENSORS
    )
