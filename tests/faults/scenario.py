"""Set a meter up on a line the test controls, break the line, and time the way back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.const import CONF_PORT, STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.linky_activity.const import CONF_MODE, DOMAIN, MODE_AUTO
from custom_components.linky_activity.identity import meter_unique_id

from .lines import identity_of, meter
from .watch import (
    RECOVERY_LIMIT_S,
    StateLog,
    assert_loop_never_blocked,
    assert_no_traceback,
    assert_one_line_lost_and_one_back,
    debug_lines,
    fire_after,
    integration_records,
    let_outage_last,
    report,
    wait_until,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    import pytest

    from custom_components.linky_activity.hub import LinkyHub

    from .lines import Line

# Setting up only needs a first frame: play faster than a meter to save time.
SETUP_SPEED: Final = 8.0
# Enough failed attempts for the reconnect backoff to reach its longest wait
# (1, 2, 4, then 5 s).
OUTAGE_ATTEMPTS: Final = 5
POWER: Final = "apparent_power"


def meter_entry(capture_name: str, port: str, mode: str = MODE_AUTO) -> MockConfigEntry:
    """Build the config entry the flow creates for a capture's meter on a port."""
    address, _ = identity_of(capture_name)
    return MockConfigEntry(
        domain=DOMAIN,
        title="Linky",
        unique_id=meter_unique_id(address),
        data={CONF_PORT: port, CONF_MODE: mode},
    )


async def set_up_meter(
    hass: HomeAssistant,
    line: Line,
    port: str,
    capture_name: str,
    *,
    mode: str = MODE_AUTO,
) -> tuple[MockConfigEntry, LinkyHub]:
    """Play a capture on a line and set the integration up on it, as the flow would."""
    await line.play(meter(capture_name), SETUP_SPEED)
    entry = meter_entry(capture_name, port, mode)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    hub: LinkyHub = entry.runtime_data
    await fire_after(hass, hub.publish_interval_s)
    assert hub.available
    return entry, hub


def power_state(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """Return the apparent power entity's state."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.unique_id}_{POWER}"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def power_available(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Tell whether the apparent power entity shows a value."""
    return power_state(hass, entry) != STATE_UNAVAILABLE


async def unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload an entry so its port and timers are released before teardown."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def lose_and_recover(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    *,
    fault: str,
    break_line: Callable[[], Awaitable[None]],
    repair_line: Callable[[], Awaitable[None]],
    line_sends: bool = False,
) -> StateLog:
    """Break the line, let the outage last, repair it, and check the way back.

    The outage runs in mock time (the watchdog and every backoff fire at
    once); the way back runs in real time, on the real line, and must take
    less than RECOVERY_LIMIT_S. Returns the states written meanwhile.
    """
    hub: LinkyHub = entry.runtime_data
    caplog.clear()
    states = StateLog(hass, entry).start()

    await break_line()
    await let_outage_last(hass, hub, OUTAGE_ATTEMPTS, line_sends=line_sends)
    assert not power_available(hass, entry)
    attempts = hub.connection.open_attempts
    debug_during_outage = debug_lines(caplog)

    await repair_line()
    recovery_s = await wait_until(
        lambda: power_available(hass, entry), RECOVERY_LIMIT_S, f"{fault}: way back"
    )
    states.stop()

    info = integration_records(caplog)
    report(
        f"{fault}: back {recovery_s:.2f} s after the line; "
        f"info lines {len(info)} ({', '.join(r.getMessage()[:24] for r in info)}); "
        f"debug lines {debug_during_outage} over {attempts} open attempts; "
        f"warnings {sum(r.levelno >= 30 for r in caplog.records)}"
    )
    assert_one_line_lost_and_one_back(caplog)
    assert_no_traceback(caplog)
    assert_loop_never_blocked(caplog)
    assert states.availability_changes(POWER) == [False, True]
    for key in states.keys("index_"):
        written = states.numbers(key)
        assert written == sorted(written), f"{key} went back: {written}"
    return states
