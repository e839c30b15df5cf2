"""Share the fault suite's lines, loop guard and log check with the privacy tests."""

from __future__ import annotations

from faults.conftest import (
    auto_enable_custom_integrations,
    blocking_call_detection,
    bridge,
    dongle,
    no_identifier_logged,
    quick_retries,
)

__all__ = [
    "auto_enable_custom_integrations",
    "blocking_call_detection",
    "bridge",
    "dongle",
    "no_identifier_logged",
    "quick_retries",
]
