"""Specify that every bad port gets a clear, translated answer in the config flow.

The flow must never show a stack trace: each fault below ends on the form,
with an error key that both translations explain.

Permission denied cannot be shown with `chmod 000`: the suite runs as root,
whom file modes do not stop. What a user meets as "cannot open" is made here
with what refuses even root: a folder (EISDIR), a named pipe (it opens, but
it is not a terminal, so setting the line fails with ENOTTY), and a port
another program holds locked (EBUSY, serialx opens ports exclusively).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_PORT
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.linky_activity import probe
from custom_components.linky_activity.const import (
    CONF_MODE,
    DOMAIN,
    MODE_AUTO,
    MODE_HISTORICAL,
    MODE_STANDARD,
)

from .lines import meter
from .noise import gps_receiver
from .watch import (
    assert_loop_never_blocked,
    assert_no_traceback,
    integration_records,
    report,
    wait_until,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant

    from .lines import Bridge, Dongle

HISTORICAL = "historical-mono-tempo-pyteleinfo.txt"
STANDARD = "standard-tri-tempo-tasmota38.txt"
TRANSLATIONS = Path(__file__).resolve().parents[2] / (
    "custom_components/linky_activity/translations"
)
ERRORS = {
    language: json.loads((TRANSLATIONS / f"{language}.json").read_text())["config"][
        "error"
    ]
    for language in ("en", "fr")
}
# The flow listens this long per line rate; 6 s in production. Which answer
# a port gets does not depend on it, and a shorter one keeps the suite quick.
LISTEN_WINDOW_S = 1.5


@pytest.fixture(autouse=True)
def short_listen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listen to each rate for a shorter window."""
    monkeypatch.setattr(probe, "LISTEN_WINDOW_S", LISTEN_WINDOW_S)


async def submit(
    hass: HomeAssistant, port: str, mode: str = MODE_AUTO
) -> dict[str, Any]:
    """Open the user step and submit a port and a mode."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: port, CONF_MODE: mode}
    )


def assert_clear_error(
    result: dict[str, Any], caplog: pytest.LogCaptureFixture, fault: str, key: str
) -> None:
    """Check the flow is back on its form with a translated error, and no trace."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": key}
    assert all(ERRORS[language].get(key) for language in ERRORS)
    assert not integration_records(caplog, logging.WARNING)
    assert_no_traceback(caplog)
    assert_loop_never_blocked(caplog)
    report(f"config flow, {fault}: {key} ({ERRORS['en'][key]})")


async def test_a_folder_given_as_the_port_cannot_be_opened(
    hass: HomeAssistant, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    result = await submit(hass, str(tmp_path))

    assert_clear_error(result, caplog, "a folder as the port", "cannot_open")


async def test_a_named_pipe_given_as_the_port_cannot_be_opened(
    hass: HomeAssistant, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipe = tmp_path / "ttyUSB0"
    os.mkfifo(pipe)

    result = await submit(hass, str(pipe))

    assert_clear_error(result, caplog, "a named pipe as the port", "cannot_open")


async def test_a_port_locked_by_another_program_cannot_be_opened(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    await dongle.play(meter(HISTORICAL))
    holder = os.open(dongle.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        result = await submit(hass, str(dongle.path))
    finally:
        os.close(holder)

    assert_clear_error(result, caplog, "a port another program holds", "cannot_open")


async def test_a_port_that_does_not_exist_cannot_be_opened(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    dongle.unplug()

    result = await submit(hass, str(dongle.path))

    assert_clear_error(result, caplog, "an unplugged dongle", "cannot_open")


async def test_a_bridge_that_refuses_cannot_be_opened(
    hass: HomeAssistant, bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    await bridge.reset()

    result = await submit(hass, bridge.url)

    assert_clear_error(result, caplog, "a refusing ser2net host", "cannot_open")


async def while_validating(
    hass: HomeAssistant,
    port: str,
    mode: str,
    opened: Callable[[], bool],
    fault: Callable[[], Awaitable[None]],
) -> dict[str, Any]:
    """Submit a port and, once the flow has it open, break it."""
    validating = hass.async_create_task(submit(hass, port, mode))
    await wait_until(opened, 5, "port opened by the flow")
    await fault()
    return await validating


@pytest.mark.parametrize("mode", [MODE_AUTO, MODE_HISTORICAL])
async def test_a_dongle_pulled_out_during_validation_cannot_be_opened(
    hass: HomeAssistant,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    mode: str,
) -> None:
    async def pull_out() -> None:
        await asyncio.sleep(0.2)
        dongle.unplug()

    result = await while_validating(
        hass,
        str(dongle.path),
        mode,
        lambda: dongle.read_rate() in {1200, 9600},
        pull_out,
    )

    assert_clear_error(
        result, caplog, f"dongle pulled out while listening ({mode})", "cannot_open"
    )


@pytest.mark.parametrize("mode", [MODE_AUTO, MODE_STANDARD])
async def test_a_bridge_that_resets_during_validation_cannot_be_opened(
    hass: HomeAssistant,
    bridge: Bridge,
    caplog: pytest.LogCaptureFixture,
    mode: str,
) -> None:
    result = await while_validating(
        hass, bridge.url, mode, lambda: bridge.readers == 1, bridge.reset
    )

    assert_clear_error(
        result, caplog, f"ser2net host reset while listening ({mode})", "cannot_open"
    )


async def test_a_silent_line_says_no_data(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    result = await submit(hass, str(dongle.path))

    assert_clear_error(result, caplog, "a silent meter", "no_data")


async def test_a_line_too_slow_for_a_whole_frame_says_no_valid_frame(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    # A frame of this capture takes more than the listening window at a
    # tenth of the line rate.
    await dongle.play(meter(HISTORICAL), speed=0.1)

    result = await submit(hass, str(dongle.path), MODE_HISTORICAL)

    assert_clear_error(
        result, caplog, "a line at a tenth of its rate", "no_valid_frame"
    )


@pytest.mark.parametrize(
    ("fault", "source_name", "mode"),
    [
        ("a standard meter read at 1200 baud", STANDARD, MODE_HISTORICAL),
        ("a GPS receiver", None, MODE_AUTO),
    ],
)
async def test_garbage_says_no_valid_frame(
    hass: HomeAssistant,
    *,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    source_name: str | None,
    mode: str,
) -> None:
    await dongle.play(gps_receiver() if source_name is None else meter(source_name))

    result = await submit(hass, str(dongle.path), mode)

    assert_clear_error(result, caplog, fault, "no_valid_frame")
