"""Expose the meter's warnings as binary sensors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory

from .activity_binary_sensor import async_add_activity_binary_sensors
from .entity import LinkyEntity, add_entities_as_labels_appear
from .publish import Aggregate

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import LinkyConfigEntry, LinkyHub
    from .tic.reading import MeterReading

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class LinkyBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describe a warning read from each meter reading."""

    value_fn: Callable[[MeterReading], bool | None]
    exists_fn: Callable[[MeterReading], bool]
    aggregate: Aggregate = Aggregate.LATEST


def _overload(reading: MeterReading) -> bool:
    """Tell whether the meter signals a current or power overrun.

    Historical meters add ADPS (single-phase) or send ADIR1-3 short frames
    (three-phase) only while the overrun lasts; standard meters raise a bit
    of their status register.
    """
    if reading.overload_current_a is not None or reading.phase_overload_currents_a:
        return True
    return reading.status is not None and reading.status.above_reference_power


# ---- Warnings -------------------------------------------------------------

BINARY_SENSORS: tuple[LinkyBinarySensorEntityDescription, ...] = (
    LinkyBinarySensorEntityDescription(
        key="overload",
        translation_key="overload",
        device_class=BinarySensorDeviceClass.PROBLEM,
        aggregate=Aggregate.ANY,
        value_fn=_overload,
        exists_fn=lambda reading: (
            reading.subscribed_current_a is not None
            or reading.status is not None
            or _overload(reading)
        ),
    ),
    LinkyBinarySensorEntityDescription(
        key="terminal_cover",
        translation_key="terminal_cover",
        device_class=BinarySensorDeviceClass.OPENING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda reading: (
            None if reading.status is None else reading.status.terminal_cover_open
        ),
        exists_fn=lambda reading: reading.status is not None,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LinkyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the warnings the meter can raise, as their labels appear."""
    async_add_activity_binary_sensors(hass, entry, async_add_entities)
    hub = entry.runtime_data
    add_entities_as_labels_appear(
        entry,
        BINARY_SENSORS,
        lambda description, reading: description.exists_fn(reading),
        lambda description: LinkyBinarySensor(hub, description),
        async_add_entities,
    )


class LinkyBinarySensor(LinkyEntity, BinarySensorEntity):
    """Show one warning the meter raises."""

    entity_description: LinkyBinarySensorEntityDescription

    def __init__(
        self, hub: LinkyHub, description: LinkyBinarySensorEntityDescription
    ) -> None:
        super().__init__(hub, description, description.aggregate)

    @override
    def read(self, reading: MeterReading) -> float | str | bool | None:
        """Return this warning's value in one reading."""
        return self.entity_description.value_fn(reading)

    @override
    def _set_value(self, value: float | str | bool | None) -> None:
        """Store the value as the on/off state."""
        self._attr_is_on = None if value is None else bool(value)
