"""Specify every path of the config, discovery, reconfigure and options flows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.components.usb import USBDevice, usb_device_matches_matcher
from homeassistant.config_entries import SOURCE_USB, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PORT
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.usb import UsbServiceInfo
from homeassistant.loader import async_get_usb
import pytest

from custom_components.linky_activity.const import (
    CONF_MODE,
    CONF_PUBLISH_INTERVAL,
    DOMAIN,
    MODE_AUTO,
    MODE_HISTORICAL,
    MODE_STANDARD,
)
from custom_components.linky_activity.identity import meter_unique_id

from .helpers import address_of, meter_entry, start_meter, unload
from .meters import PtyMeter, TcpMeter, capture

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

HISTORICAL = "historical-mono-hc-wifinfo.txt"
STANDARD = "standard-mono-hc-goteleinfo.txt"
MANIFEST = (
    Path(__file__).resolve().parents[2]
    / "custom_components"
    / "linky_activity"
    / "manifest.json"
)


def tinfo_discovery(path: str) -> UsbServiceInfo:
    """Describe a Micro Teleinfo dongle as USB discovery reports it."""
    return UsbServiceInfo(
        device=path,
        vid="0403",
        pid="6015",
        serial_number="TINFO-1042",
        manufacturer="FTDI",
        description="FT230X Basic UART",
    )


async def start_user_flow(hass: HomeAssistant, port: str, mode: str) -> dict:
    """Open the user step and submit a port and a mode."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: port, CONF_MODE: mode}
    )


@pytest.mark.parametrize(
    ("capture_name", "mode"),
    [
        (HISTORICAL, MODE_AUTO),
        (HISTORICAL, MODE_HISTORICAL),
        (STANDARD, MODE_AUTO),
        (STANDARD, MODE_STANDARD),
    ],
)
async def test_user_flow_reads_a_frame_and_creates_an_entry_keyed_by_hashed_address(
    hass: HomeAssistant, pty_meter: PtyMeter, capture_name: str, mode: str
) -> None:
    pty_meter.play(capture(capture_name))

    result = await start_user_flow(hass, pty_meter.path, mode)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_PORT: pty_meter.path, CONF_MODE: mode}
    entry = result["result"]
    address = address_of(capture_name)
    assert entry.unique_id == meter_unique_id(address)
    assert address not in json.dumps(entry.as_dict(), default=str)
    assert entry.state is ConfigEntryState.LOADED
    await unload(hass, entry)


async def test_user_flow_says_the_port_cannot_be_opened(hass: HomeAssistant) -> None:
    result = await start_user_flow(hass, "/dev/linky-activity-missing", MODE_AUTO)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_open"}


async def test_user_flow_says_a_refused_network_port_cannot_be_opened(
    hass: HomeAssistant, tcp_meter: TcpMeter
) -> None:
    url = tcp_meter.url
    await tcp_meter.shut_down()

    result = await start_user_flow(hass, url, MODE_AUTO)

    assert result["errors"] == {"base": "cannot_open"}


async def test_user_flow_says_no_data_when_the_meter_is_silent(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    result = await start_user_flow(hass, pty_meter.path, MODE_AUTO)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_data"}


async def test_user_flow_says_no_valid_frame_in_the_wrong_mode_then_takes_the_right(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    pty_meter.play(capture(STANDARD))

    result = await start_user_flow(hass, pty_meter.path, MODE_HISTORICAL)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_valid_frame"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: pty_meter.path, CONF_MODE: MODE_STANDARD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await unload(hass, result["result"])


async def test_user_flow_aborts_for_a_meter_already_configured(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    meter_entry(HISTORICAL, "/dev/ttyUSB9").add_to_hass(hass)
    pty_meter.play(capture(HISTORICAL))

    result = await start_user_flow(hass, pty_meter.path, MODE_AUTO)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_usb_discovery_of_a_micro_teleinfo_offers_the_meter_behind_it(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    pty_meter.play(capture(HISTORICAL))

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=tinfo_discovery(pty_meter.path)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "usb_confirm"
    assert result["description_placeholders"]["mode"] == "historical"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_PORT: pty_meter.path, CONF_MODE: MODE_AUTO}
    assert result["result"].unique_id == meter_unique_id(address_of(HISTORICAL))
    await unload(hass, result["result"])


async def test_usb_discovery_is_dropped_when_no_meter_answers(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=tinfo_discovery(pty_meter.path)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_linky"


async def test_usb_discovery_of_a_known_meter_updates_its_port_and_aborts(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry = meter_entry(HISTORICAL, "/dev/ttyUSB9")
    entry.add_to_hass(hass)
    pty_meter.play(capture(HISTORICAL))

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USB}, data=tinfo_discovery(pty_meter.path)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_PORT] == pty_meter.path


async def test_usb_matchers_only_claim_self_identifying_teleinfo_dongles(
    hass: HomeAssistant,
) -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    registered = [m for m in await async_get_usb(hass) if m["domain"] == DOMAIN]
    assert len(registered) == len(manifest["usb"]) > 0

    def device(vid: str, pid: str, serial_number: str) -> USBDevice:
        return USBDevice(
            device="/dev/ttyUSB0",
            vid=vid,
            pid=pid,
            serial_number=serial_number,
            manufacturer="FTDI",
            description="USB serial",
        )

    micro_teleinfo = device("0403", "6015", "TINFO-1042")
    generic_ft230x = device("0403", "6015", "DK0AHAJZ")
    generic_ft232r = device("0403", "6001", "A50285BI")
    generic_cp2102 = device("10C4", "EA60", "0001")
    assert any(usb_device_matches_matcher(micro_teleinfo, m) for m in registered)
    for other in (generic_ft230x, generic_ft232r, generic_cp2102):
        assert not any(usb_device_matches_matcher(other, m) for m in registered)
    assert all("serial_number" in matcher for matcher in manifest["usb"])


async def test_reconfigure_moves_the_meter_to_a_new_port(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    old_port = PtyMeter()
    try:
        entry, _ = await start_meter(hass, old_port, HISTORICAL, old_port.path)
        pty_meter.play(capture(HISTORICAL))

        result = await entry.start_reconfigure_flow(hass)
        assert result["step_id"] == "reconfigure"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PORT: pty_meter.path, CONF_MODE: MODE_HISTORICAL}
        )
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.data == {CONF_PORT: pty_meter.path, CONF_MODE: MODE_HISTORICAL}
        assert entry.state is ConfigEntryState.LOADED
        assert entry.runtime_data.connection.url == pty_meter.path
        await unload(hass, entry)
    finally:
        old_port.close()


async def test_reconfigure_on_the_port_in_use_frees_it_for_the_check(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, _ = await start_meter(hass, pty_meter, HISTORICAL, pty_meter.path)

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: pty_meter.path, CONF_MODE: MODE_HISTORICAL}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_MODE] == MODE_HISTORICAL
    assert entry.state is ConfigEntryState.LOADED
    await unload(hass, entry)


async def test_reconfigure_refuses_a_port_with_another_meter(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry = meter_entry(STANDARD, "/dev/ttyUSB9")
    entry.add_to_hass(hass)
    pty_meter.play(capture(HISTORICAL))

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PORT: pty_meter.path, CONF_MODE: MODE_AUTO}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_meter"
    assert entry.data[CONF_PORT] == "/dev/ttyUSB9"


async def test_reconfigure_shows_the_error_and_keeps_the_entry(
    hass: HomeAssistant,
) -> None:
    entry = meter_entry(STANDARD, "/dev/ttyUSB9")
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_PORT: "/dev/linky-activity-missing", CONF_MODE: MODE_AUTO},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_open"}
    assert entry.data[CONF_PORT] == "/dev/ttyUSB9"


async def test_options_set_the_publish_interval_of_the_running_meter(
    hass: HomeAssistant, pty_meter: PtyMeter
) -> None:
    entry, hub = await start_meter(hass, pty_meter, HISTORICAL, pty_meter.path)
    assert hub.publish_interval_s == 10

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUBLISH_INTERVAL: 30}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PUBLISH_INTERVAL] == 30
    assert hub.publish_interval_s == 30
    await unload(hass, entry)
