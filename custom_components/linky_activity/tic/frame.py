"""Hold the TIC data units: modes, checked groups and whole frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class TicMode(StrEnum):
    """Name the two TIC modes a Linky meter can speak."""

    HISTORICAL = "historical"
    STANDARD = "standard"


class Group(NamedTuple):
    """Hold one information group whose checksum was verified.

    A named tuple rather than a frozen dataclass: the decoder creates one for
    every group it has not seen lately, and a tuple is built three times
    faster. Like a frozen dataclass it is immutable, so frames share them.
    """

    label: str
    value: str
    horodate: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """Hold the checked groups of one frame, in the order the meter sent them."""

    mode: TicMode
    groups: dict[str, Group] = field(default_factory=dict)
    rejected_groups: int = 0
