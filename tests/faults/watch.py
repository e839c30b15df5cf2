"""Watch what the integration writes, logs and does to the event loop under faults."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
import logging
import time
from typing import TYPE_CHECKING, Final
from unittest.mock import patch

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    EVENT_STATE_CHANGED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfEnergy,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, event as event_helper
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles

from custom_components.linky_activity import connection, hub as hub_module

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.linky_activity.hub import LinkyHub

PACKAGE: Final = "custom_components.linky_activity"
# The most a line may take to give entities back once it works again.
RECOVERY_LIMIT_S: Final = 10.0
_TO_WH: Final = {UnitOfEnergy.KILO_WATT_HOUR: 1000.0, UnitOfEnergy.MEGA_WATT_HOUR: 1e6}
# What the figures of the fault suite are gathered in, for the summary.
FIGURES: list[str] = []


def _bounds_io(handle: asyncio.TimerHandle) -> bool:
    """Tell whether a timer is an `asyncio.timeout` deadline.

    Those bound I/O in progress (opening a port, closing one): firing them
    early would fail an open that a real line completes in milliseconds.
    """
    return isinstance(getattr(handle._callback, "__self__", None), asyncio.Timeout)


async def fire_after(hass: HomeAssistant, seconds: float) -> None:
    """Let `seconds` pass for every timer but the deadlines of I/O in progress.

    The watchdog, the reconnect backoff, the stall timeout and Home
    Assistant's own intervals all fire as if the time had passed.
    """
    moment = dt_util.utcnow() + timedelta(seconds=seconds)
    limit = hass.loop.time() + seconds
    due = [
        handle
        for handle in get_scheduled_timer_handles(hass.loop)
        if not handle.cancelled() and handle.when() <= limit and not _bounds_io(handle)
    ]
    with (
        patch.object(event_helper, "time_tracker_utcnow", return_value=moment),
        patch.object(
            event_helper, "time_tracker_timestamp", return_value=moment.timestamp()
        ),
    ):
        for handle in due:
            if not handle.cancelled():
                handle._run()
                handle.cancel()
    await hass.async_block_till_done()


async def wait_until(condition: Callable[[], bool], within: float, what: str) -> float:
    """Wait in real time until a condition holds; return the seconds it took."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(within):
            # Nothing in the integration announces these conditions, and the
            # tests must not add hooks to it: polling in real time is the way.
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"{what}: not within {within} s") from None
    return time.monotonic() - started


async def let_outage_last(
    hass: HomeAssistant, hub: LinkyHub, attempts: int, *, line_sends: bool = False
) -> None:
    """Let the watchdog fire and the link fail `attempts` more times, in mock time.

    Each step lets a minute pass for every timer (the watchdog, the stall
    timeout, the reconnect backoff), so the backoff reaches its longest wait,
    which is the worst moment for the line to come back. A line that sends
    (garbage) gets real time between steps to deliver, so that it looks like
    one that sends at every check the link makes.
    """
    target = hub.connection.open_attempts + attempts
    for _ in range(400):
        if not hub.available and hub.connection.open_attempts >= target:
            return
        await fire_after(hass, connection.BACKOFF_MAX_S + hub_module.WATCHDOG_S)
        await asyncio.sleep(0.1 if line_sends else 0.01)
    raise AssertionError("the outage never reached the asked number of attempts")


@dataclass
class StateLog:
    """Keep every state a config entry's entities write, as the recorder gets them."""

    hass: HomeAssistant
    entry: MockConfigEntry
    states: list[tuple[str, str, str | None]] = field(default_factory=list)
    _unsubscribe: Callable[[], None] | None = None

    def start(self) -> StateLog:
        """Start listening to state changes."""
        self._unsubscribe = self.hass.bus.async_listen(
            EVENT_STATE_CHANGED, self._on_state_changed
        )
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @callback
    def _on_state_changed(self, event: Event[EventStateChangedData]) -> None:
        """Keep the new state if it belongs to the entry."""
        new = event.data["new_state"]
        if new is None:
            return
        registry_entry = er.async_get(self.hass).async_get(new.entity_id)
        if registry_entry is None or registry_entry.config_entry_id != (
            self.entry.entry_id
        ):
            return
        key = registry_entry.unique_id.removeprefix(f"{self.entry.unique_id}_")
        unit = new.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        self.states.append((key, new.state, unit))

    def numbers(self, key: str) -> list[float]:
        """Return the numeric states written for one entity key, in order.

        Energy comes back in Wh whatever unit the entity shows it in.
        """
        return [
            float(value) * _TO_WH.get(unit or "", 1.0)
            for written, value, unit in self.states
            if written == key and value not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        ]

    def keys(self, prefix: str = "") -> set[str]:
        """Return the keys of the entities that wrote a state."""
        return {key for key, _, _ in self.states if key.startswith(prefix)}

    def availability_changes(self, key: str) -> list[bool]:
        """Return each change of a key's availability, from its first loss on."""
        changes: list[bool] = []
        for written, value, _ in self.states:
            available = value != STATE_UNAVAILABLE
            if (
                written == key
                and (changes or not available)
                and (not changes or changes[-1] != available)
            ):
                changes.append(available)
        return changes


def integration_records(
    caplog: pytest.LogCaptureFixture, level: int = logging.INFO
) -> list[logging.LogRecord]:
    """Return the integration's log records at `level` and above."""
    return [
        record
        for record in caplog.records
        if record.name.startswith(PACKAGE) and record.levelno >= level
    ]


def assert_one_line_lost_and_one_back(caplog: pytest.LogCaptureFixture) -> None:
    """Check the integration said "lost" once and "back" once, and nothing else."""
    records = integration_records(caplog)
    messages = [record.getMessage() for record in records]
    assert [record.levelno for record in records] == [logging.INFO] * 2, messages
    assert "lost" in messages[0]
    assert "back" in messages[1]


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Check no record of ours, and none at warning level, carries a traceback."""
    for record in caplog.records:
        ours = record.name.startswith(PACKAGE)
        if ours or record.levelno >= logging.WARNING:
            assert not record.exc_info, f"traceback from {record.name}"
            assert "Traceback" not in record.getMessage(), record.getMessage()


def assert_loop_never_blocked(caplog: pytest.LogCaptureFixture) -> None:
    """Check Home Assistant's blocking-call detection stayed silent."""
    assert "Detected blocking call" not in caplog.text
    assert "Caught blocking call" not in caplog.text


def debug_lines(caplog: pytest.LogCaptureFixture) -> int:
    """Count the integration's debug lines."""
    return sum(
        record.name.startswith(PACKAGE) and record.levelno == logging.DEBUG
        for record in caplog.records
    )


def report(figure: str) -> None:
    """Print a measured figure now and keep it for the end-of-run summary."""
    print(figure)
    FIGURES.append(figure)
