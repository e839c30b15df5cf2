"""Own one meter's connection and hand its readings to entities and listeners."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PORT, EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .connection import TicConnection
from .const import (
    CONF_MODE,
    CONF_PUBLISH_INTERVAL,
    DEFAULT_PUBLISH_INTERVAL_S,
    DOMAIN,
    MODE_AUTO,
)
from .tic.frame import Frame, TicMode
from .tic.guard import DEFAULT_MAX_POWER_W, IndexGuard
from .tic.reading import MeterReading, reading_from_frame

if TYPE_CHECKING:
    from asyncio import TimerHandle

_LOGGER = logging.getLogger(__name__)

PLATFORMS: Final = (Platform.SENSOR, Platform.BINARY_SENSOR)

# Entities go unavailable after this long without a valid frame: about twenty
# missed frames, so one noisy burst never flips them.
WATCHDOG_S: Final = 30.0
# Setting up waits this long for a first reading, enough for auto mode to try
# both line rates, before asking Home Assistant to retry later.
FIRST_READING_TIMEOUT_S: Final = 30.0
RECENT_FRAMES: Final = 5
NOMINAL_VOLTAGE_V: Final = 230.0

type LinkyConfigEntry = ConfigEntry[LinkyHub]
type ReadingListener = Callable[[MeterReading, datetime], None]


def entry_mode(entry: ConfigEntry) -> TicMode | None:
    """Return the TIC mode an entry asks for, None for auto."""
    mode: str = entry.data.get(CONF_MODE, MODE_AUTO)
    return None if mode == MODE_AUTO else TicMode(mode)


def entry_publish_interval(entry: ConfigEntry) -> int:
    """Return the publish interval an entry's options ask for, in seconds."""
    return int(entry.options.get(CONF_PUBLISH_INTERVAL, DEFAULT_PUBLISH_INTERVAL_S))


def _max_power_w(reading: MeterReading) -> float:
    """Return the most power the meter's subscription lets the home draw."""
    if reading.subscribed_power_kva:
        return reading.subscribed_power_kva * 1000.0
    if reading.subscribed_current_a:
        phases = 3 if reading.three_phase else 1
        return reading.subscribed_current_a * NOMINAL_VOLTAGE_V * phases
    return DEFAULT_MAX_POWER_W


class LinkyHub:
    """Run one meter's link and fan its readings out.

    Entities subscribe twice: to every reading (to average power or keep the
    last valid index) and to the publish tick (to write their state at most
    once per publish interval). Other layers, such as activity detection,
    subscribe to readings only, with `async_add_reading_listener`, and never
    touch the transport.
    """

    def __init__(self, hass: HomeAssistant, entry: LinkyConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        self.connection = TicConnection(
            entry.data[CONF_PORT], entry_mode(entry), self._on_frame
        )
        self.latest: MeterReading | None = None
        self.available = False
        self._lost_logged = False
        self.publish_interval_s = entry_publish_interval(entry)
        self.frames_per_second: float | None = None
        self.recent_frames: deque[Frame] = deque(maxlen=RECENT_FRAMES)
        self._frames_in_interval = 0
        self._guard: IndexGuard | None = None
        self._reading_listeners: list[ReadingListener] = []
        self._publish_listeners: list[CALLBACK_TYPE] = []
        self._first_reading: asyncio.Future[MeterReading] = hass.loop.create_future()
        self._task: asyncio.Task[None] | None = None
        self._watchdog: TimerHandle | None = None
        self._unsub_publish: CALLBACK_TYPE | None = None
        self._unsub_stop: CALLBACK_TYPE | None = None

    @property
    def mode(self) -> TicMode | None:
        """Return the mode the meter speaks, once known."""
        return self.connection.detected_mode

    async def async_start(self) -> None:
        """Start reading the line and wait for a first reading.

        Raise ConfigEntryNotReady when none arrives in time, so that Home
        Assistant retries the set-up with its own backoff.
        """
        self._unsub_stop = self.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, self._async_on_hass_stop
        )
        self._start_link()
        try:
            async with asyncio.timeout(FIRST_READING_TIMEOUT_S):
                await asyncio.shield(self._first_reading)
        except TimeoutError as err:
            problem = self.connection.problem()
            await self.async_stop()
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="no_reading",
                translation_placeholders={"problem": problem},
            ) from err
        self._schedule_publish()

    async def async_stop(self) -> None:
        """Stop publishing, close the line and forget the timers."""
        if self._unsub_stop is not None:
            self._unsub_stop()
            self._unsub_stop = None
        if self._unsub_publish is not None:
            self._unsub_publish()
            self._unsub_publish = None
        await self._stop_link()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    async def _async_on_hass_stop(self, _event: Event) -> None:
        """Close the port when Home Assistant stops."""
        self._unsub_stop = None
        await self.async_stop()

    @asynccontextmanager
    async def async_port_released(self) -> AsyncIterator[None]:
        """Close the port for the duration of the block, then reopen it."""
        await self._stop_link()
        try:
            yield
        finally:
            self._start_link()

    @callback
    def async_set_publish_interval(self, seconds: int) -> None:
        """Change how often entities write their state."""
        if seconds == self.publish_interval_s:
            return
        self.publish_interval_s = seconds
        if self._unsub_publish is not None:
            self._unsub_publish()
            self._schedule_publish()

    @callback
    def async_add_reading_listener(self, listener: ReadingListener) -> CALLBACK_TYPE:
        """Call `listener(reading, received_at)` for every decoded frame."""
        self._reading_listeners.append(listener)
        return lambda: self._reading_listeners.remove(listener)

    @callback
    def async_add_publish_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener()` at every publish tick and on availability changes."""
        self._publish_listeners.append(listener)
        return lambda: self._publish_listeners.remove(listener)

    def _start_link(self) -> None:
        """Run the connection as a task tied to the config entry."""
        self._task = self.entry.async_create_background_task(
            self.hass, self.connection.run(), f"{DOMAIN} link {self.entry.entry_id}"
        )

    async def _stop_link(self) -> None:
        """Cancel the connection task and wait until the port is closed."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task

    def _schedule_publish(self) -> None:
        """Start the publish tick at the current interval."""
        self._unsub_publish = async_track_time_interval(
            self.hass,
            self._publish,
            timedelta(seconds=self.publish_interval_s),
            name=f"{DOMAIN} publish",
            cancel_on_shutdown=True,
        )

    @callback
    def _publish(self, _now: datetime) -> None:
        """Let every entity write its state for the interval that just ended."""
        frames, self._frames_in_interval = self._frames_in_interval, 0
        self.frames_per_second = round(frames / self.publish_interval_s, 2)
        self._notify_publish()

    def _notify_publish(self) -> None:
        """Call the publish listeners."""
        for listener in tuple(self._publish_listeners):
            listener()

    @callback
    def _on_frame(self, frame: Frame) -> None:
        """Take one valid frame from the line."""
        if self._task is None:
            # The link is being closed: what is still in flight is dropped.
            return
        received_at = dt_util.utcnow()
        reading = self._guarded(reading_from_frame(frame))
        self.recent_frames.append(frame)
        self._frames_in_interval += 1
        self.latest = reading
        self._arm_watchdog()
        if not self._first_reading.done() and reading.meter_address is not None:
            self._first_reading.set_result(reading)
        for listener in tuple(self._reading_listeners):
            listener(reading, received_at)
        if not self.available:
            self.available = True
            if self._lost_logged:
                _LOGGER.info("Meter link back on %s", self.connection.url)
                self._lost_logged = False
            self._notify_publish()

    def _guarded(self, reading: MeterReading) -> MeterReading:
        """Drop the indexes the guard finds implausible from a reading."""
        if not reading.energy_wh and not reading.reactive_energy_varh:
            return reading
        if self._guard is None:
            self._guard = IndexGuard(max_power_w=_max_power_w(reading))
        at = self.hass.loop.time()
        energy = self._guard.filter(reading.energy_wh, at)
        reactive = self._guard.filter(
            {
                f"reactive_{name}": value
                for name, value in reading.reactive_energy_varh.items()
            },
            at,
        )
        if len(energy) == len(reading.energy_wh) and len(reactive) == len(
            reading.reactive_energy_varh
        ):
            return reading
        return replace(
            reading,
            energy_wh=energy,
            reactive_energy_varh={
                name.removeprefix("reactive_"): value
                for name, value in reactive.items()
            },
        )

    def _arm_watchdog(self) -> None:
        """Restart the countdown to unavailability."""
        if self._watchdog is not None:
            self._watchdog.cancel()
        self._watchdog = self.hass.loop.call_later(WATCHDOG_S, self._on_watchdog)

    @callback
    def _on_watchdog(self) -> None:
        """Mark the meter unavailable after too long without a valid frame."""
        self._watchdog = None
        if not self.available:
            return
        self.available = False
        self._lost_logged = True
        _LOGGER.info(
            "Meter link lost on %s: no valid frame for %.0f s (%s)",
            self.connection.url,
            WATCHDOG_S,
            self.connection.problem(),
        )
        self._notify_publish()
