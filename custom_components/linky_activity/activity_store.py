"""Keep one meter's learned activity state in Home Assistant's storage."""

from __future__ import annotations

from contextlib import suppress
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from .const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION: Final = 1
# The learned state moves slowly (a night baseline, usual gaps): writing it at
# most every quarter of an hour spares the SD cards many Home Assistant boxes
# run on, and a crash loses nothing that matters. Unloading writes at once.
SAVE_DELAY_S: Final = 900.0
SET_ASIDE_MARK: Final = ".corrupt."

type StoredState = dict[str, Any]


def storage_key(entry_id: str) -> str:
    """Return the storage key of one config entry's learned state."""
    return f"{DOMAIN}.activity.{entry_id}"


def _envelope_problem(path: Path) -> str | None:
    """Say what makes the file at `path` unreadable as a store, or None if fine."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    try:
        document = json_loads(raw)
    except ValueError as err:
        return f"is not valid JSON ({err})"
    if not isinstance(document, dict):
        return "is not a JSON object"
    if not isinstance(document.get("version"), int) or "data" not in document:
        return "has no version or no data"
    return None


def _set_aside(path: Path) -> Path | None:
    """Rename the file at `path` out of the way and return its new name."""
    target = path.with_name(
        f"{path.name}{SET_ASIDE_MARK}{dt_util.utcnow().strftime('%Y%m%dT%H%M%SZ')}"
    )
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return None
    return target


def _remove_with_set_aside_copies(path: Path) -> None:
    """Delete the store file and every copy of it set aside earlier."""
    with suppress(FileNotFoundError):
        path.unlink()
    for copy in path.parent.glob(f"{path.name}{SET_ASIDE_MARK}*"):
        with suppress(FileNotFoundError):
            copy.unlink()


class LearnedStateStore:
    """Load, save and erase what the detector learned about one home.

    Nothing in this store is worth a failed start: an unreadable, truncated,
    foreign-version or malformed file is renamed aside with a warning (so it
    can still be inspected) and learning starts again from nothing.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._hass = hass
        self._store: Store[StoredState] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id), atomic_writes=True
        )

    @property
    def path(self) -> Path:
        """Return where the state lives on disk."""
        return Path(self._store.path)

    async def async_load(self) -> StoredState | None:
        """Return the stored state, or None when there is none worth using."""
        problem = await self._hass.async_add_executor_job(_envelope_problem, self.path)
        if problem is not None:
            await self.async_set_aside(f"the file {problem}")
            return None
        try:
            # The file's content is whatever is on disk, whatever the type says.
            data: object = await self._store.async_load()
        except (HomeAssistantError, NotImplementedError) as err:
            await self.async_set_aside(f"it cannot be loaded ({err})")
            return None
        if data is None:
            return None
        if not isinstance(data, dict):
            await self.async_set_aside("its data is not an object")
            return None
        return data

    async def async_set_aside(self, reason: str) -> None:
        """Rename the stored file out of the way, so learning starts afresh."""
        moved = await self._hass.async_add_executor_job(_set_aside, self.path)
        if moved is None:
            _LOGGER.warning(
                "Learned activity state discarded, learning again: %s", reason
            )
            return
        _LOGGER.warning(
            "Learned activity state set aside as %s, learning again: %s",
            moved.name,
            reason,
        )

    def schedule_save(self, data_fn: Callable[[], StoredState]) -> None:
        """Save the state within a minute, once, however often this is called."""
        self._store.async_delay_save(data_fn, SAVE_DELAY_S)

    async def async_save_now(self, data: StoredState) -> None:
        """Write the state now (on unload, so a reload finds it)."""
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Erase the learned state, and any copy set aside, for good."""
        await self._store.async_remove()
        await self._hass.async_add_executor_job(
            _remove_with_set_aside_copies, self.path
        )
