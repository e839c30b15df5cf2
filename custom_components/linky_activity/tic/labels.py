"""Describe every label of both TIC modes: data format, width and unit.

The tables follow Enedis-NOI-CPT_02E (historical mode, also spoken by the
electronic meters that came before Linky) and Enedis-NOI-CPT_54E (standard
mode). Widths are the data field lengths the specifications give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Final

from .frame import TicMode
from .horodate import is_valid_horodate

_HEX_DIGITS: Final = frozenset("0123456789ABCDEF")
_LABEL_SHAPE: Final = re.compile(r"[A-Z][A-Z0-9+\-]{0,15}")


class ValueKind(StrEnum):
    """Name the shapes a group's data field can take."""

    DECIMAL = "decimal"
    HEX = "hex"
    TEXT = "text"
    IDENTIFIER = "identifier"
    EMPTY = "empty"


class Unit(StrEnum):
    """Name the units the specifications give for numeric labels."""

    WATT_HOUR = "Wh"
    VOLT_AMPERE_REACTIVE_HOUR = "VArh"
    VOLT_AMPERE = "VA"
    KILOVOLT_AMPERE = "kVA"
    WATT = "W"
    AMPERE = "A"
    VOLT = "V"
    MINUTE = "min"


type ValueCheck = Callable[[str, str | None], bool]


@dataclass(frozen=True, slots=True)
class LabelSpec:
    """Describe one label: the shape of its data field and what it measures."""

    label: str
    kind: ValueKind
    width: int
    unit: Unit | None = None
    horodated: bool = False

    def accepts(self, value: str, horodate: str | None) -> bool:
        """Tell whether a checked group's fields have the shape this label needs."""
        return value_check(self)(value, horodate)


def _undated_check(kind: ValueKind, width: int) -> ValueCheck:
    """Build the test of an undated group whose data field has this kind and width.

    Each test is one function, not a horodate test calling a shape test: the
    decoder runs it on every group it has not seen lately.
    """
    match kind:
        case ValueKind.DECIMAL:
            return lambda value, horodate: (
                horodate is None and 0 < len(value) <= width and value.isdecimal()
            )
        case ValueKind.HEX:
            return lambda value, horodate: (
                horodate is None
                and len(value) == width
                and _HEX_DIGITS.issuperset(value)
            )
        case ValueKind.IDENTIFIER:
            return lambda value, horodate: (
                horodate is None and 0 < len(value) <= width and value.isalnum()
            )
        case ValueKind.TEXT:
            return lambda value, horodate: (
                horodate is None and len(value) <= width and value.isprintable()
            )
        case ValueKind.EMPTY:
            return lambda value, horodate: horodate is None and not value


def value_check(spec: LabelSpec) -> ValueCheck:
    """Build the test a checked group of this label must pass to be accepted."""
    check = _undated_check(spec.kind, spec.width)
    if spec.horodated:
        return lambda value, horodate: (
            horodate is not None and is_valid_horodate(horodate) and check(value, None)
        )
    return check


def _table(*specs: LabelSpec) -> dict[str, LabelSpec]:
    """Index label specifications by label."""
    return {spec.label: spec for spec in specs}


def _phases(prefix: str, suffix: str = "") -> tuple[str, ...]:
    """Return the three per-phase variants of a label."""
    return tuple(f"{prefix}{phase}{suffix}" for phase in (1, 2, 3))


def _decimals(
    labels: tuple[str, ...], width: int, unit: Unit | None, *, horodated: bool = False
) -> tuple[LabelSpec, ...]:
    """Build the specifications of decimal labels that share width and unit."""
    return tuple(
        LabelSpec(label, ValueKind.DECIMAL, width, unit, horodated=horodated)
        for label in labels
    )


HISTORICAL_INDEX_LABELS: Final = (
    "BASE",
    "HCHC",
    "HCHP",
    "EJPHN",
    "EJPHPM",
    "BBRHCJB",
    "BBRHPJB",
    "BBRHCJW",
    "BBRHPJW",
    "BBRHCJR",
    "BBRHPJR",
)

STANDARD_INDEX_LABELS: Final = (
    "EAST",
    *(f"EASF{index:02d}" for index in range(1, 11)),
    *(f"EASD{index:02d}" for index in range(1, 5)),
    "EAIT",
)

REACTIVE_INDEX_LABELS: Final = ("ERQ1", "ERQ2", "ERQ3", "ERQ4")

HISTORICAL_LABELS: Final[dict[str, LabelSpec]] = _table(
    LabelSpec("ADCO", ValueKind.IDENTIFIER, 12),
    LabelSpec("OPTARIF", ValueKind.TEXT, 4),
    LabelSpec("ISOUSC", ValueKind.DECIMAL, 2, Unit.AMPERE),
    *_decimals(HISTORICAL_INDEX_LABELS, 9, Unit.WATT_HOUR),
    LabelSpec("PEJP", ValueKind.DECIMAL, 2, Unit.MINUTE),
    LabelSpec("PTEC", ValueKind.TEXT, 4),
    LabelSpec("DEMAIN", ValueKind.TEXT, 4),
    *_decimals(("IINST", *_phases("IINST")), 3, Unit.AMPERE),
    *_decimals(("ADPS", *_phases("ADIR")), 3, Unit.AMPERE),
    *_decimals(("IMAX", *_phases("IMAX")), 3, Unit.AMPERE),
    LabelSpec("PMAX", ValueKind.DECIMAL, 5, Unit.WATT),
    LabelSpec("PAPP", ValueKind.DECIMAL, 5, Unit.VOLT_AMPERE),
    LabelSpec("HHPHC", ValueKind.TEXT, 1),
    LabelSpec("MOTDETAT", ValueKind.TEXT, 6),
    LabelSpec("PPOT", ValueKind.HEX, 2),
    # Pulse inputs of pre-Linky electronic meters: counts, no unit given.
    LabelSpec("GAZ", ValueKind.DECIMAL, 7),
    LabelSpec("AUTRE", ValueKind.DECIMAL, 7),
)

_MAX_POWER_LABELS: Final = (
    "SMAXSN",
    *_phases("SMAXSN"),
    "SMAXSN-1",
    *_phases("SMAXSN", "-1"),
    "SMAXIN",
    "SMAXIN-1",
)

STANDARD_LABELS: Final[dict[str, LabelSpec]] = _table(
    LabelSpec("ADSC", ValueKind.IDENTIFIER, 12),
    LabelSpec("VTIC", ValueKind.DECIMAL, 2),
    LabelSpec("DATE", ValueKind.EMPTY, 0, horodated=True),
    LabelSpec("NGTF", ValueKind.TEXT, 16),
    LabelSpec("LTARF", ValueKind.TEXT, 16),
    *_decimals(STANDARD_INDEX_LABELS, 9, Unit.WATT_HOUR),
    *_decimals(REACTIVE_INDEX_LABELS, 9, Unit.VOLT_AMPERE_REACTIVE_HOUR),
    *_decimals(_phases("IRMS"), 3, Unit.AMPERE),
    *_decimals(_phases("URMS"), 3, Unit.VOLT),
    *_decimals(("PREF", "PCOUP"), 2, Unit.KILOVOLT_AMPERE),
    *_decimals(("SINSTS", *_phases("SINSTS"), "SINSTI"), 5, Unit.VOLT_AMPERE),
    *_decimals(_MAX_POWER_LABELS, 5, Unit.VOLT_AMPERE, horodated=True),
    *_decimals(("CCASN", "CCASN-1", "CCAIN", "CCAIN-1"), 5, Unit.WATT, horodated=True),
    *_decimals(_phases("UMOY"), 3, Unit.VOLT, horodated=True),
    LabelSpec("STGE", ValueKind.HEX, 8),
    *_decimals((*_phases("DPM"), *_phases("FPM")), 2, None, horodated=True),
    LabelSpec("MSG1", ValueKind.TEXT, 32),
    LabelSpec("MSG2", ValueKind.TEXT, 16),
    LabelSpec("PRM", ValueKind.IDENTIFIER, 14),
    LabelSpec("RELAIS", ValueKind.DECIMAL, 3),
    *_decimals(("NTARF", "NJOURF", "NJOURF+1"), 2, None),
    LabelSpec("PJOURF+1", ValueKind.TEXT, 98),
    LabelSpec("PPOINTE", ValueKind.TEXT, 98),
)

# Meters of the first Linky series, and some firmware versions since, name a
# few standard groups differently; the data field is the same.
LABEL_ALIASES: Final[dict[str, str]] = {
    "SMAXN": "SMAXSN",
    **{f"SMAXN{phase}": f"SMAXSN{phase}" for phase in (1, 2, 3)},
    "SMAXN-1": "SMAXSN-1",
    **{f"SMAXN{phase}-1": f"SMAXSN{phase}-1" for phase in (1, 2, 3)},
    **{f"SINST{phase}": f"SINSTS{phase}" for phase in (1, 2, 3)},
    "PPOINTE1": "PPOINTE",
}

STANDARD_LABELS.update(
    {alias: STANDARD_LABELS[canonical] for alias, canonical in LABEL_ALIASES.items()}
)

LABELS: Final[dict[TicMode, dict[str, LabelSpec]]] = {
    TicMode.HISTORICAL: HISTORICAL_LABELS,
    TicMode.STANDARD: STANDARD_LABELS,
}

# The tests every known label's groups must pass, built once.
VALUE_CHECKS: Final[dict[TicMode, dict[str, ValueCheck]]] = {
    mode: {label: value_check(spec) for label, spec in table.items()}
    for mode, table in LABELS.items()
}

THREE_PHASE_LABELS: Final = frozenset(
    (
        *_phases("IINST")[1:],
        *_phases("IMAX")[1:],
        *_phases("ADIR"),
        "PMAX",
        "PPOT",
        *_phases("IRMS")[1:],
        *_phases("URMS")[1:],
        *_phases("SINSTS")[1:],
        *_phases("SINST")[1:],
        *_phases("UMOY")[1:],
    )
)

INJECTION_LABELS: Final = frozenset(
    ("SINSTI", "SMAXIN", "SMAXIN-1", "CCAIN", "CCAIN-1", "EAIT")
)


def canonical_label(label: str) -> str:
    """Return the label the current specification uses for a group."""
    return LABEL_ALIASES.get(label, label)


def is_plausible_label(label: str) -> bool:
    """Tell whether an unknown label is made of the characters labels use."""
    return _LABEL_SHAPE.fullmatch(label) is not None
