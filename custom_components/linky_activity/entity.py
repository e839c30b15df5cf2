"""Give every meter entity its device, its unique id and its update wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .publish import Aggregate, Aggregator

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .hub import LinkyConfigEntry, LinkyHub
    from .tic.reading import MeterReading


def meter_device_info(hub: LinkyHub) -> DeviceInfo:
    """Describe the meter from what its address says, never the address itself."""
    unique_id = hub.entry.unique_id or hub.entry.entry_id
    info = DeviceInfo(identifiers={(DOMAIN, unique_id)}, name="Linky")
    reading = hub.latest
    address = reading.address if reading is not None else None
    if address is not None:
        info["manufacturer"] = (
            address.manufacturer or f"code {address.manufacturer_code}"
        )
        info["model"] = address.meter_type or f"type {address.meter_type_code}"
        info["model_id"] = address.meter_type_code
        info["hw_version"] = str(address.year)
        if address.meter_type is None or not address.meter_type.startswith("Linky"):
            info["name"] = "Electricity meter"
    if reading is not None and reading.tic_version is not None:
        info["sw_version"] = f"TIC {reading.tic_version}"
    return info


def add_entities_as_labels_appear[D: EntityDescription](
    entry: LinkyConfigEntry,
    descriptions: Sequence[D],
    exists: Callable[[D, MeterReading], bool],
    build: Callable[[D], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an entity for each description once a reading shows the meter sends it.

    A meter may send some labels only now and then (overload warnings, a
    Tempo colour announced in the evening), so every reading is checked,
    not only the first.
    """
    hub = entry.runtime_data
    created: set[str] = set()

    @callback
    def add_new(reading: MeterReading, *_: object) -> None:
        """Create the entities this reading shows the meter supports."""
        new = [
            description
            for description in descriptions
            if description.key not in created and exists(description, reading)
        ]
        if new:
            created.update(description.key for description in new)
            async_add_entities(build(description) for description in new)

    if hub.latest is not None:
        add_new(hub.latest)
    entry.async_on_unload(hub.async_add_reading_listener(add_new))


class LinkyEntity(Entity):
    """Update from the hub: read every frame, write at each publish tick."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        hub: LinkyHub,
        description: EntityDescription,
        aggregate: Aggregate,
        digits: int = 0,
    ) -> None:
        self.hub = hub
        self.entity_description = description
        self.aggregator = Aggregator(aggregate, digits)
        self._attr_unique_id = f"{hub.entry.unique_id}_{description.key}"
        self._attr_device_info = meter_device_info(hub)

    @override
    async def async_added_to_hass(self) -> None:
        """Subscribe to the hub and start from its latest reading."""
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_reading_listener(self._on_reading))
        self.async_on_remove(self.hub.async_add_publish_listener(self._on_publish))
        if self.hub.latest is not None:
            self.aggregator.add(self.read(self.hub.latest))
            self._set_value(self.aggregator.publish())

    @property
    @override
    def available(self) -> bool:
        """Follow the meter link's availability."""
        return self.hub.available

    def read(self, reading: MeterReading) -> float | str | bool | None:
        """Return this entity's value in one reading."""
        raise NotImplementedError

    def _set_value(self, value: float | str | bool | None) -> None:
        """Store the value to write as the entity's state."""
        raise NotImplementedError

    def _on_reading(self, reading: MeterReading, _received_at: datetime) -> None:
        """Fold one reading into the interval's value.

        A short frame (a three-phase overload burst) carries only currents,
        so a label it lacks says nothing about that label's value.
        """
        value = self.read(reading)
        if value is None and reading.short_frame:
            return
        self.aggregator.add(value)

    def _on_publish(self) -> None:
        """Write the state for the interval that just ended."""
        self._set_value(self.aggregator.publish())
        self.async_write_ha_state()
