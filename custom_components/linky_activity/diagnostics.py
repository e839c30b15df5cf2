"""Give a diagnostics download with the link's state and the last frames."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import CONF_PORT

from .activity_runtime import activity_diagnostics
from .const import CONF_MODE

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .hub import LinkyConfigEntry, LinkyHub
    from .tic.frame import Frame

REDACTED: Final = "**REDACTED**"
# Groups whose whole value identifies the household, whatever the mode.
IDENTIFYING_LABELS: Final = frozenset(("ADCO", "ADSC", "PRM"))
IDENTIFYING_FIELDS: Final = frozenset(("meter_address", "prm"))

type Json = str | int | float | bool | list[Json] | dict[str, Json] | None


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: LinkyConfigEntry
) -> dict[str, Any]:
    """Describe the link and the last frames, with the meter's identity removed."""
    hub = entry.runtime_data
    secrets = _identifiers(hub)
    report: dict[str, Json] = {
        "entry": {
            "title": entry.title,
            "unique_id": REDACTED,
            "data": {
                CONF_PORT: entry.data[CONF_PORT],
                CONF_MODE: entry.data.get(CONF_MODE),
            },
            "options": _plain(dict(entry.options)),
        },
        "link": _link(hub),
        "latest_reading": _plain(hub.latest),
        "recent_frames": [_frame(frame) for frame in hub.recent_frames],
        "activity": activity_diagnostics(hass, entry),
    }
    return {key: _scrub(value, secrets) for key, value in report.items()}


def _identifiers(hub: LinkyHub) -> set[str]:
    """Collect every meter address and PRM the hub has seen recently."""
    found = {
        group.value.strip()
        for frame in hub.recent_frames
        for label, group in frame.groups.items()
        if label in IDENTIFYING_LABELS
    }
    if hub.latest is not None:
        found.update(
            value
            for value in (hub.latest.meter_address, hub.latest.prm)
            if value is not None
        )
    return {value for value in found if value}


def _link(hub: LinkyHub) -> dict[str, Json]:
    """Describe the connection's counters and state."""
    connection = hub.connection
    return {
        "port": connection.url,
        "configured_mode": _plain(connection.fixed_mode),
        "detected_mode": _plain(connection.detected_mode),
        "open": connection.is_open,
        "available": hub.available,
        "last_problem": connection.last_problem,
        "open_attempts": connection.open_attempts,
        "bytes_received": connection.bytes_received,
        "frames": connection.frames,
        "valid_groups": connection.valid_groups,
        "rejected_groups": connection.rejected_groups,
        "publish_interval_s": hub.publish_interval_s,
        "frames_per_second": hub.frames_per_second,
    }


def _frame(frame: Frame) -> dict[str, Json]:
    """Turn a frame into plain data, identifying groups redacted."""
    return {
        "mode": frame.mode.value,
        "rejected_groups": frame.rejected_groups,
        "groups": {
            label: {
                "value": REDACTED if label in IDENTIFYING_LABELS else group.value,
                "horodate": group.horodate,
            }
            for label, group in frame.groups.items()
        },
    }


def _plain(value: object) -> Json:
    """Turn a reading (nested dataclasses, enums, dates) into JSON-ready data."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: REDACTED
            if field.name in IDENTIFYING_FIELDS
            else _plain(getattr(value, field.name))
            for field in fields(value)
        }
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return _plain_scalar(value)


def _plain_scalar(value: object) -> Json:
    """Turn an enum, a date or a plain value into JSON-ready data."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def _scrub(value: Json, secrets: set[str]) -> Json:
    """Replace any identifier found inside any string, at any depth."""
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    return value
