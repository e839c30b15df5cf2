"""Run the activity detector on a meter's readings, keep what it learns, fire events."""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    restore_state,
)
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .activity.detector import ActivityDetector, DetectorConfig, DetectorState
from .activity.errors import StateError
from .activity.inactivity import DAYS_TO_LEARN
from .activity_const import (
    ATTR_AT,
    ATTR_BASELINE_VA,
    ATTR_DEVICE_ID,
    ATTR_ENTRY_ID,
    ATTR_MINUTES,
    ATTR_POWER_VA,
    ATTR_QUIET_MINUTES,
    ATTR_SINCE,
    ATTR_THRESHOLD_LEARNED,
    ATTR_THRESHOLD_MINUTES,
    ATTR_THRESHOLD_VA,
    EVENT_TYPES,
)
from .activity_inputs import offpeak, total_energy_wh
from .activity_options import detector_config
from .activity_store import LearnedStateStore, StoredState
from .const import DOMAIN
from .model_loader import async_load_activity_model

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .activity.events import ActivityEvent
    from .activity.model import ActivityModel
    from .hub import LinkyHub
    from .tic.reading import MeterReading

_LOGGER = logging.getLogger(__name__)

DATA_RUNTIMES: Final[HassKey[dict[str, ActivityRuntime]]] = HassKey(
    f"{DOMAIN}_activity"
)
# Entities showing elapsed time refresh this often even when no reading comes.
TICK: Final = timedelta(minutes=1)


def _iso(timestamp_s: float | None) -> str | None:
    """Return a UTC epoch time as ISO 8601 text."""
    if timestamp_s is None:
        return None
    return dt_util.utc_from_timestamp(timestamp_s).isoformat()


def _minutes(seconds: float | None) -> int | None:
    """Return a duration in whole minutes."""
    return None if seconds is None else round(seconds / 60.0)


class ActivityRuntime:
    """Feed one meter's readings to its detector and publish what it decides.

    The detector runs on every reading (microseconds each); what entities
    show changes at most once a minute, when a minute of readings is judged,
    and entities write only when their own value changes.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        hub: LinkyHub,
        store: LearnedStateStore,
        detector: ActivityDetector,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.hub = hub
        self.detector = detector
        self.state: DetectorState | None = None
        self.restored_last_activity: datetime | None = None
        self._store = store
        self._listeners: list[CALLBACK_TYPE] = []
        self._clock_listeners: list[CALLBACK_TYPE] = []
        self._unsubscribers: list[CALLBACK_TYPE] = []
        self._link_available = hub.available

    @property
    def model_loaded(self) -> bool:
        """Tell whether the activity model is in use (else the night rules only)."""
        return self.detector.model is not None

    @property
    def available(self) -> bool:
        """Tell whether live verdicts can be trusted: the meter link is up."""
        return self.hub.available

    @property
    def last_activity(self) -> datetime | None:
        """Return when activity was last seen, as far as anything remembers."""
        seen = self.detector.inactivity.last_activity_s
        if seen is None:
            return self.restored_last_activity
        return dt_util.utc_from_timestamp(seen)

    def inactive_minutes(self, now: datetime) -> int | None:
        """Return how long the home has been quiet, 0 while active."""
        if self.state is not None and self.state.active:
            return 0
        last = self.last_activity
        if last is None:
            return None
        return max(0, int((now - last).total_seconds() // 60))

    @property
    def night_baseline_va(self) -> float | None:
        """Return the learned night-time load, once a night has been learned."""
        if self.detector.night.nights_learned == 0:
            return None
        return self.detector.night.baseline_va

    @property
    def learning_progress(self) -> float:
        """Return how much of the night reference and usual gaps is learned, in %."""
        night = self.detector.night.learning_progress
        if self.detector.inactivity.config.threshold_min is not None:
            return round(100.0 * night, 1)
        days = int(self.detector.inactivity.to_dict()["days_seen"])
        gaps = min(1.0, days / DAYS_TO_LEARN)
        return round(50.0 * (night + gaps), 1)

    @callback
    def async_add_listener(
        self, listener: CALLBACK_TYPE, every_minute: bool = False
    ) -> CALLBACK_TYPE:
        """Call `listener()` when a minute is judged or the link changes.

        With `every_minute`, also call it each minute of the clock, for values
        that move with time alone (how long the home has been quiet).
        """
        self._listeners.append(listener)
        if every_minute:
            self._clock_listeners.append(listener)

        def remove() -> None:
            self._listeners.remove(listener)
            if every_minute:
                self._clock_listeners.remove(listener)

        return remove

    @callback
    def async_start(self) -> None:
        """Listen to the meter and to the clock."""
        self._unsubscribers = [
            self.hub.async_add_reading_listener(self._on_reading),
            self.hub.async_add_publish_listener(self._on_publish),
            async_track_time_interval(
                self.hass,
                self._on_tick,
                TICK,
                name=f"{DOMAIN} activity tick",
                cancel_on_shutdown=True,
            ),
        ]

    async def async_stop(self) -> None:
        """Stop listening and write what was learned, so a reload finds it."""
        while self._unsubscribers:
            self._unsubscribers.pop()()
        self.hass.data.get(DATA_RUNTIMES, {}).pop(self.entry.entry_id, None)
        await self._store.async_save_now(self._stored())

    @callback
    def async_reconfigure(self, config: DetectorConfig) -> None:
        """Apply new options without losing anything learned."""
        if config == self.detector.config:
            return
        try:
            self.detector = ActivityDetector.from_dict(
                self.detector.to_dict(), config, self.detector.model
            )
        except StateError as err:
            _LOGGER.warning("New activity options not applied: %s", err)
            return
        self._notify()

    def _stored(self) -> StoredState:
        """Return what the store keeps."""
        return {"detector": self.detector.to_dict()}

    @callback
    def _on_reading(self, reading: MeterReading, received_at: datetime) -> None:
        """Feed one reading to the detector and publish a finished minute."""
        power = reading.apparent_power_va
        if power is None:
            return
        state = self.detector.update(
            received_at.timestamp(),
            float(power),
            offpeak(reading),
            total_energy_wh(reading),
        )
        if state is None:
            return
        self.state = state
        for event in state.events:
            self._fire(event, state)
        self._store.schedule_save(self._stored)
        self._notify()

    @callback
    def _on_publish(self) -> None:
        """Follow the meter link going away or coming back."""
        if self.hub.available != self._link_available:
            self._link_available = self.hub.available
            self._notify()

    @callback
    def _on_tick(self, _now: datetime) -> None:
        """Let time-based values move on even when the meter is silent."""
        for listener in tuple(self._clock_listeners):
            listener()

    def _notify(self) -> None:
        """Tell the entities to check their values."""
        for listener in tuple(self._listeners):
            listener()

    def _device_id(self) -> str | None:
        """Return the meter device's id, for automations to filter events on."""
        devices = dr.async_entries_for_config_entry(
            dr.async_get(self.hass), self.entry.entry_id
        )
        return devices[0].id if devices else None

    def _fire(self, event: ActivityEvent, state: DetectorState) -> None:
        """Fire one detector event on the bus with the facts a message needs."""
        data: dict[str, Any] = {
            ATTR_ENTRY_ID: self.entry.entry_id,
            ATTR_DEVICE_ID: self._device_id(),
            ATTR_AT: _iso(event.at_s),
            ATTR_SINCE: _iso(event.since_s),
        }
        match event.kind:
            case "inactivity_alert":
                data[ATTR_MINUTES] = _minutes(event.duration_s)
                data[ATTR_THRESHOLD_MINUTES] = _minutes(event.threshold_s)
                data[ATTR_THRESHOLD_LEARNED] = state.inactivity_threshold_learned
            case "inactivity_cleared":
                data[ATTR_MINUTES] = _minutes(event.duration_s)
            case "arrival":
                data[ATTR_QUIET_MINUTES] = _minutes(event.duration_s)
            case "night_activity":
                data[ATTR_MINUTES] = _minutes(event.duration_s)
                data[ATTR_POWER_VA] = round(state.power_va)
                data[ATTR_BASELINE_VA] = round(state.night_baseline_va)
                data[ATTR_THRESHOLD_VA] = round(state.night_threshold_va)
        _LOGGER.debug("Activity event %s since %s", event.kind, data[ATTR_SINCE])
        self.hass.bus.async_fire(EVENT_TYPES[event.kind], data)


def _restore(
    stored: StoredState | None, config: DetectorConfig, model: ActivityModel | None
) -> ActivityDetector:
    """Return the detector the stored state describes; raise StateError if bad."""
    if stored is None:
        return ActivityDetector(config, model)
    return ActivityDetector.from_dict(stored.get("detector"), config, model)


async def async_setup_activity(
    hass: HomeAssistant, entry: ConfigEntry, hub: LinkyHub
) -> ActivityRuntime:
    """Start activity detection for an entry; it stops when the entry unloads."""
    model = await async_load_activity_model(hass)
    store = LearnedStateStore(hass, entry.entry_id)
    stored = await store.async_load()
    config = detector_config(entry.options, str(hass.config.time_zone))
    try:
        detector = _restore(stored, config, model)
    except StateError as err:
        await store.async_set_aside(f"its content is not a detector state ({err})")
        detector = ActivityDetector(config, model)

    runtime = ActivityRuntime(hass, entry, hub, store, detector)
    runtime.async_start()
    hass.data.setdefault(DATA_RUNTIMES, {})[entry.entry_id] = runtime
    entry.async_on_unload(runtime.async_stop)
    return runtime


def activity_runtime(hass: HomeAssistant, entry: ConfigEntry) -> ActivityRuntime:
    """Return the running activity detection of an entry."""
    return hass.data[DATA_RUNTIMES][entry.entry_id]


@callback
def async_apply_activity_options(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give a running detector the entry's current options."""
    runtime = hass.data.get(DATA_RUNTIMES, {}).get(entry.entry_id)
    if runtime is not None:
        runtime.async_reconfigure(
            detector_config(entry.options, str(hass.config.time_zone))
        )


async def async_remove_learned_state(hass: HomeAssistant, entry_id: str) -> None:
    """Erase what was learned about a home whose entry is being deleted.

    Home Assistant keeps the last state of a removed entity for a week, to
    give it back should the entity return: for the last activity sensor that
    is when someone was last up, so it is dropped too.
    """
    kept = restore_state.async_get(hass).last_states
    for item in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
        kept.pop(item.entity_id, None)
    await LearnedStateStore(hass, entry_id).async_remove()


def activity_diagnostics(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    """Describe what detection runs on and has learned, without any activity times.

    When someone was active is the household's private life: diagnostics get
    shared in bug reports, so they say how much is learned, never when.
    """
    runtime = hass.data.get(DATA_RUNTIMES, {}).get(entry.entry_id)
    if runtime is None:
        return {"running": False}
    detector = runtime.detector
    model = detector.model
    return {
        "running": True,
        "model": None
        if model is None
        else {
            "kind": model.kind,
            "created": model.created,
            "threshold": model.threshold,
        },
        "nights_learned": detector.night.nights_learned,
        "night_baseline_va": round(detector.night.baseline_va),
        "night_threshold_va": round(detector.night.threshold_va),
        "learning_progress": runtime.learning_progress,
        "inactivity_threshold_learned": detector.inactivity.learned,
    }
