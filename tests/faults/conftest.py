"""Share the fault suite's lines, loop guard, privacy check and figure summary."""

from __future__ import annotations

from contextlib import suppress
import logging
from typing import TYPE_CHECKING

from homeassistant import block_async_io
from homeassistant.util import loop as loop_util
import pytest

from custom_components.linky_activity import connection

from .lines import Bridge, Dongle, leaked_identifiers
from .watch import FIGURES, PACKAGE

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from _pytest.terminal import TerminalReporter


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture(autouse=True)
def blocking_call_detection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Turn on Home Assistant's blocking-call detection as a real start does.

    Under tests Home Assistant leaves out the checks on file access and
    imports; the fault suite wants every check a user's installation runs.
    """
    monkeypatch.setattr(block_async_io, "_IN_TESTS", False)
    loop_util._PREVIOUSLY_REPORTED.clear()
    block_async_io.enable()
    yield
    for blocking_call in block_async_io._BLOCKED_CALLS.calls:
        setattr(
            blocking_call.object, blocking_call.function, blocking_call.original_func
        )
    block_async_io._BLOCKED_CALLS.calls.clear()


@pytest.fixture(autouse=True)
def no_identifier_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Check, after each test, that no log line shows a meter address or a PRM.

    Every line of the integration counts, debug included, and every line any
    logger writes at info level or above (what a default installation logs).
    """
    yield
    for when in ("setup", "call", "teardown"):
        for record in caplog.get_records(when):
            if not record.name.startswith(PACKAGE) and record.levelno < logging.INFO:
                continue
            text = record.getMessage()
            if record.exc_info:
                text += logging.Formatter().formatException(record.exc_info)
            leaked = leaked_identifiers(text)
            assert not leaked, f"{record.name} logged a meter identifier: {text}"


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect at once, for tests that measure something else than the way back."""
    monkeypatch.setattr(connection, "BACKOFF_INITIAL_S", 0.05)
    monkeypatch.setattr(connection, "BACKOFF_MAX_S", 0.2)


@pytest.fixture
async def dongle(tmp_path: Path) -> AsyncIterator[Dongle]:
    """Give a USB dongle behind a by-id link, plugged in."""
    line = Dongle(tmp_path / "serial" / "by-id")
    yield line
    await line.silence()
    line.unplug()


@pytest.fixture
async def bridge(socket_enabled: None) -> AsyncIterator[Bridge]:
    """Give a ser2net host on a loopback port, listening."""
    line = Bridge()
    await line.start()
    yield line
    with suppress(OSError):
        await line.shut_down()


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """Print the figures the fault suite measured."""
    if FIGURES:
        terminalreporter.section("fault injection figures")
        for figure in FIGURES:
            terminalreporter.write_line(figure)
