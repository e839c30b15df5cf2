"""Specify that activity data stays home: the integration reaches nothing but its port.

Every connection, name lookup and datagram any code makes while the config
flow validates a bridge, the entry runs, loses the bridge, reconnects and
unloads is recorded; the only target allowed is the port the user gave.
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
import socket
from typing import TYPE_CHECKING, Any

from faults.lines import meter
from faults.scenario import power_available, unload
from faults.watch import let_outage_last, wait_until
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_PORT
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.linky_activity.const import CONF_MODE, DOMAIN, MODE_AUTO

if TYPE_CHECKING:
    from faults.lines import Bridge, Dongle
    from homeassistant.core import HomeAssistant

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "linky_activity"
CAPTURE = "standard-tri-tempo-tasmota38.txt"
DONGLE_CAPTURE = "historical-mono-tempo-pyteleinfo.txt"
# Modules that reach other machines; the serial link goes through serialx.
NETWORK_MODULES = (
    "socket",
    "ssl",
    "http",
    "urllib",
    "aiohttp",
    "requests",
    "httpx",
    "websockets",
    "smtplib",
    "ftplib",
    "homeassistant.helpers.aiohttp_client",
    "homeassistant.helpers.httpx_client",
    "homeassistant.components.http",
    "homeassistant.components.cloud",
)


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Record every target of a connection, a lookup or a datagram, from anywhere."""
    targets: list[tuple[str, Any]] = []

    def recording(kind: str, original: Any) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            # Methods get the socket first; functions get the host first.
            targets.append((kind, args[1] if kind != "lookup" else args[0]))
            return original(*args, **kwargs)

        return record

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(
            socket.socket, name, recording(name, getattr(socket.socket, name))
        )
    monkeypatch.setattr(socket, "getaddrinfo", recording("lookup", socket.getaddrinfo))
    return targets


async def _flow_then_run(hass: HomeAssistant, bridge: Bridge) -> None:
    """Add the bridge's meter with the flow, run it, lose the bridge and get it back."""
    await bridge.play(meter(CAPTURE), 4)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: bridge.url, CONF_MODE: MODE_AUTO}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    await hass.async_block_till_done()
    hub = entry.runtime_data
    await wait_until(lambda: hub.connection.frames > 5, 10, "frames")

    await bridge.reset()
    await let_outage_last(hass, hub, 2)
    await bridge.start()
    await wait_until(lambda: power_available(hass, entry), 10, "bridge back")
    await unload(hass, entry)


@pytest.mark.usefixtures("quick_retries")
async def test_a_networked_meter_is_the_only_place_the_integration_reaches(
    hass: HomeAssistant, bridge: Bridge, reached: list[tuple[str, Any]]
) -> None:
    await _flow_then_run(hass, bridge)

    assert ("connect", ("127.0.0.1", bridge.port)) in reached
    assert {target for _, target in reached} <= {
        ("127.0.0.1", bridge.port),
        "127.0.0.1",
    }, reached


async def test_a_dongle_meter_makes_the_integration_reach_nothing(
    hass: HomeAssistant, dongle: Dongle, reached: list[tuple[str, Any]]
) -> None:
    await dongle.play(meter(DONGLE_CAPTURE), 4)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: str(dongle.path), CONF_MODE: MODE_AUTO}
    )
    entry = result["result"]
    await hass.async_block_till_done()
    await asyncio.sleep(1)
    await unload(hass, entry)

    assert reached == []


def _imported_modules(path: Path) -> set[str]:
    """Return every module a source file imports, at any place in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_module_of_the_integration_imports_a_network_library() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    offending = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in sources
        for module in _imported_modules(path)
        if any(
            module == network or module.startswith(f"{network}.")
            for network in NETWORK_MODULES
        )
    }

    assert len(sources) > 20
    assert not offending
