"""Hold the constants shared across the integration's modules."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "linky_activity"

CONF_MODE: Final = "mode"
CONF_PUBLISH_INTERVAL: Final = "publish_interval"

MODE_AUTO: Final = "auto"
MODE_HISTORICAL: Final = "historical"
MODE_STANDARD: Final = "standard"
MODES: Final = (MODE_AUTO, MODE_HISTORICAL, MODE_STANDARD)

DEFAULT_PUBLISH_INTERVAL_S: Final = 10
MIN_PUBLISH_INTERVAL_S: Final = 1
MAX_PUBLISH_INTERVAL_S: Final = 3600
