"""Check values read back from a stored learned state."""

from __future__ import annotations

import math
from typing import Any, Final

from .errors import StateError

MAX_TIMESTAMP_S: Final = 32_503_680_000.0  # Year 3000.


def stored_number(value: Any, name: str, low: float, high: float) -> float:  # noqa: ANN401
    """Return a stored finite number within [low, high]; raise StateError if not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StateError(f"{name} is not a number")
    if not (math.isfinite(value) and low <= value <= high):
        raise StateError(f"{name} is out of range")
    return float(value)


def stored_time(value: Any, name: str) -> float | None:  # noqa: ANN401
    """Return a stored UTC timestamp or None; raise StateError if it is neither."""
    if value is None:
        return None
    return stored_number(value, name, 0.0, MAX_TIMESTAMP_S)


def stored_int(value: Any, name: str, low: int, high: int) -> int:  # noqa: ANN401
    """Return a stored integer within [low, high]; raise StateError if not."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise StateError(f"{name} is not an integer in range")
    return value


def stored_version(data: Any, version: int, what: str) -> dict[str, Any]:  # noqa: ANN401
    """Return the stored dict if it carries the expected version."""
    if not isinstance(data, dict) or data.get("version") != version:
        raise StateError(f"{what}: not a version {version} dict")
    return data
