"""Give every activity entity its device, its unique id and its update wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, override

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity, EntityDescription

from .entity import meter_device_info

if TYPE_CHECKING:
    from .activity_runtime import ActivityRuntime


class ActivityEntity(Entity):
    """Show one of the detector's verdicts on the meter's device.

    The runtime calls back at most once a minute (and on link changes); the
    entity writes its state only when what it shows has changed, so a quiet
    home does not fill the recorder.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    # Verdicts that only hold while readings arrive go unavailable without them.
    follows_link = True
    # Values that move with the clock alone refresh every minute.
    follows_clock = False

    def __init__(
        self, runtime: ActivityRuntime, description: EntityDescription
    ) -> None:
        self.runtime = runtime
        self.entity_description = description
        self._attr_unique_id = f"{runtime.entry.unique_id}_{description.key}"
        self._attr_device_info = meter_device_info(runtime.hub)
        self._shown: tuple[Any, ...] | None = None

    @override
    async def async_added_to_hass(self) -> None:
        """Subscribe to the runtime and show the current value."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.runtime.async_add_listener(self._on_change, self.follows_clock)
        )
        self._refresh()
        self._shown = self._snapshot()

    @property
    @override
    def available(self) -> bool:
        """Follow the meter link, for verdicts that need live readings."""
        return self.runtime.available or not self.follows_link

    def _refresh(self) -> None:
        """Read this entity's value from the runtime into its attributes."""
        raise NotImplementedError

    def _snapshot(self) -> tuple[Any, ...]:
        """Return what the entity shows, to tell whether a write is needed."""
        raise NotImplementedError

    @callback
    def _on_change(self) -> None:
        """Write the state if what the entity shows has changed."""
        self._refresh()
        shown = self._snapshot()
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()
