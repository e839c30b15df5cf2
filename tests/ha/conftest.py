"""Share fixtures for the tests that run the integration in Home Assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension

from custom_components.linky_activity import connection, hub, probe

from .meters import PtyMeter, TcpMeter

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from syrupy.assertion import SnapshotAssertion


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise registry entries and states the way Home Assistant's tests do."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten the waits that only matter when nothing comes, so failures are quick."""
    monkeypatch.setattr(probe, "LISTEN_WINDOW_S", 1.0)
    monkeypatch.setattr(connection, "BACKOFF_INITIAL_S", 0.05)
    monkeypatch.setattr(connection, "BACKOFF_MAX_S", 0.2)
    monkeypatch.setattr(hub, "FIRST_READING_TIMEOUT_S", 3.0)


@pytest.fixture
def pty_meter() -> Iterator[PtyMeter]:
    """Give a meter behind a real pseudo-terminal."""
    meter = PtyMeter()
    yield meter
    meter.close()


@pytest.fixture
async def tcp_meter(socket_enabled: None) -> AsyncIterator[TcpMeter]:
    """Give a meter behind a loopback TCP bridge."""
    meter = TcpMeter()
    await meter.start()
    yield meter
    await meter.shut_down()
