"""Hold the TIC data units: modes, checked groups and whole frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TicMode(StrEnum):
    """Name the two TIC modes a Linky meter can speak."""

    HISTORICAL = "historical"
    STANDARD = "standard"


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """Hold one information group whose checksum was verified."""

    label: str
    value: str
    horodate: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """Hold the checked groups of one frame, in the order the meter sent them."""

    mode: TicMode
    groups: dict[str, Group] = field(default_factory=dict)
    rejected_groups: int = 0
