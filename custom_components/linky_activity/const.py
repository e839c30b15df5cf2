"""Hold the constants shared across the integration's modules."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "linky_activity"

CONF_MODE: Final = "mode"
CONF_PUBLISH_INTERVAL: Final = "publish_interval"

MODE_AUTO: Final = "auto"

DEFAULT_PUBLISH_INTERVAL_S: Final = 10
