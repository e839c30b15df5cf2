"""Show the activity probability, last activity, quiet time and what is learned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfApparentPower,
    UnitOfTime,
)
from homeassistant.util import dt as dt_util

from .activity_entity import ActivityEntity
from .activity_runtime import activity_runtime

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .activity_runtime import ActivityRuntime


def _probability(runtime: ActivityRuntime) -> float | None:
    """Return the model's probability for the last minute, in %."""
    state = runtime.state
    if state is None or state.probability is None:
        return None
    return round(100.0 * state.probability, 1)


@dataclass(frozen=True, kw_only=True)
class ActivitySensorEntityDescription(SensorEntityDescription):
    """Describe a value read from the activity runtime."""

    value_fn: Callable[[ActivityRuntime], float | int | datetime | None]
    follows_link: bool = True
    follows_clock: bool = False


ACTIVITY_SENSORS: tuple[ActivitySensorEntityDescription, ...] = (
    ActivitySensorEntityDescription(
        key="activity_probability",
        translation_key="activity_probability",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_probability,
    ),
    ActivitySensorEntityDescription(
        key="inactive_for",
        translation_key="inactive_for",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        follows_link=False,
        follows_clock=True,
        value_fn=lambda runtime: runtime.inactive_minutes(dt_util.utcnow()),
    ),
    ActivitySensorEntityDescription(
        key="night_baseline",
        translation_key="night_baseline",
        device_class=SensorDeviceClass.APPARENT_POWER,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        follows_link=False,
        value_fn=lambda runtime: runtime.night_baseline_va,
    ),
    ActivitySensorEntityDescription(
        key="learning_progress",
        translation_key="learning_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=0,
        follows_link=False,
        value_fn=lambda runtime: runtime.learning_progress,
    ),
)

LAST_ACTIVITY = SensorEntityDescription(
    key="last_activity",
    translation_key="last_activity",
    device_class=SensorDeviceClass.TIMESTAMP,
)


class ActivityValueEntity(ActivityEntity, SensorEntity):
    """Compare sensor values as read, not as formatted, to skip idle writes."""

    @override
    def _snapshot(self) -> tuple[Any, ...]:
        """Return the value last read."""
        return (self.available, self._attr_native_value)


class ActivitySensor(ActivityValueEntity):
    """Show one value the activity runtime computes."""

    entity_description: ActivitySensorEntityDescription

    def __init__(
        self, runtime: ActivityRuntime, description: ActivitySensorEntityDescription
    ) -> None:
        super().__init__(runtime, description)
        self.follows_link = description.follows_link
        self.follows_clock = description.follows_clock

    @override
    def _refresh(self) -> None:
        """Read the value from the runtime."""
        self._attr_native_value = self.entity_description.value_fn(self.runtime)


class LastActivitySensor(ActivityValueEntity, RestoreSensor):
    """Show when activity was last seen, surviving restarts.

    The learned state keeps this time; the entity's own last state is the
    fallback when that state had to be set aside.
    """

    follows_link = False

    @override
    async def async_added_to_hass(self) -> None:
        """Take the last shown time if the detector remembers none."""
        if self.runtime.last_activity is None:
            last = await self.async_get_last_sensor_data()
            if last is not None and isinstance(last.native_value, datetime):
                self.runtime.restored_last_activity = last.native_value
        await super().async_added_to_hass()

    @override
    def _refresh(self) -> None:
        """Read the last activity time from the runtime."""
        self._attr_native_value = self.runtime.last_activity


def async_add_activity_sensors(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the activity sensors to the meter's device."""
    runtime = activity_runtime(hass, entry)
    entities: list[SensorEntity] = [LastActivitySensor(runtime, LAST_ACTIVITY)]
    entities.extend(ActivitySensor(runtime, d) for d in ACTIVITY_SENSORS)
    async_add_entities(entities)
