"""Set up Linky Activity: read a Linky meter's TIC output into Home Assistant.

This module imports Home Assistant only for type checking, and takes its
runtime pieces from `hub`, which `config_flow` has already imported in Home
Assistant's executor, so the pure `tic` and `activity` packages below it stay
importable without Home Assistant and nothing is imported on the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .hub import LinkyConfigEntry


async def async_setup_entry(hass: HomeAssistant, entry: LinkyConfigEntry) -> bool:
    """Open the meter link, wait for a first reading, then add the entities."""
    from .hub import PLATFORMS, LinkyHub  # noqa: PLC0415 - see the module docstring

    hub = LinkyHub(hass, entry)
    await hub.async_start()
    entry.runtime_data = hub
    from .activity_runtime import async_setup_activity  # noqa: PLC0415 - see the module docstring

    await async_setup_activity(hass, entry, hub)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: LinkyConfigEntry) -> bool:
    """Remove the entities, then close the port."""
    from .hub import PLATFORMS  # noqa: PLC0415 - see the module docstring

    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_stop()
    return unloaded


async def _async_options_updated(hass: HomeAssistant, entry: LinkyConfigEntry) -> None:
    """Apply a new publish interval without reopening the port."""
    from .hub import entry_publish_interval  # noqa: PLC0415 - see the module docstring

    entry.runtime_data.async_set_publish_interval(entry_publish_interval(entry))
    from .activity_runtime import async_apply_activity_options  # noqa: PLC0415 - see the module docstring

    async_apply_activity_options(hass, entry)


async def async_remove_entry(hass: HomeAssistant, entry: LinkyConfigEntry) -> None:
    """Erase what was learned about the home."""
    from .activity_runtime import async_remove_learned_state  # noqa: PLC0415 - see the module docstring

    await async_remove_learned_state(hass, entry.entry_id)
