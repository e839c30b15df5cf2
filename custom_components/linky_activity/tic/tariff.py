"""Name tariff contracts, tariff periods and Tempo colours, and read them."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class ContractKind(StrEnum):
    """Name the families of supply contracts a meter can run."""

    BASE = "base"
    OFF_PEAK = "off_peak"
    EJP = "ejp"
    TEMPO = "tempo"


class TariffPeriod(StrEnum):
    """Name the tariff periods, whatever contract they belong to."""

    ALL_HOURS = "all_hours"
    OFF_PEAK = "off_peak"
    PEAK = "peak"
    EJP_NORMAL = "ejp_normal"
    EJP_MOBILE_PEAK = "ejp_mobile_peak"


class TempoColour(StrEnum):
    """Name the colours of Tempo days."""

    BLUE = "blue"
    WHITE = "white"
    RED = "red"


# Historical mode: PTEC gives the period in four characters, Tempo periods
# carry the day's colour in the last letter (HCJB: off-peak, blue day).
_HISTORICAL_PERIODS: Final[dict[str, tuple[TariffPeriod, TempoColour | None]]] = {
    "TH..": (TariffPeriod.ALL_HOURS, None),
    "HC..": (TariffPeriod.OFF_PEAK, None),
    "HP..": (TariffPeriod.PEAK, None),
    "HN..": (TariffPeriod.EJP_NORMAL, None),
    "PM..": (TariffPeriod.EJP_MOBILE_PEAK, None),
    "HCJB": (TariffPeriod.OFF_PEAK, TempoColour.BLUE),
    "HCJW": (TariffPeriod.OFF_PEAK, TempoColour.WHITE),
    "HCJR": (TariffPeriod.OFF_PEAK, TempoColour.RED),
    "HPJB": (TariffPeriod.PEAK, TempoColour.BLUE),
    "HPJW": (TariffPeriod.PEAK, TempoColour.WHITE),
    "HPJR": (TariffPeriod.PEAK, TempoColour.RED),
}

# DEMAIN announces tomorrow's colour; "----" means not announced yet.
_TOMORROW: Final[dict[str, TempoColour]] = {
    "BLEU": TempoColour.BLUE,
    "BLAN": TempoColour.WHITE,
    "ROUG": TempoColour.RED,
}

# In standard mode the supplier writes the period (LTARF) and the contract
# name (NGTF) in free text; these are the words suppliers use in them.
_PERIOD_WORDS: Final[tuple[tuple[frozenset[str], TariffPeriod], ...]] = (
    (frozenset(("CREUSE", "CREUSES", "HC")), TariffPeriod.OFF_PEAK),
    (frozenset(("PLEINE", "PLEINES", "HP")), TariffPeriod.PEAK),
    (frozenset(("POINTE", "PM")), TariffPeriod.EJP_MOBILE_PEAK),
    (frozenset(("NORMALE", "HN")), TariffPeriod.EJP_NORMAL),
    (frozenset(("BASE",)), TariffPeriod.ALL_HOURS),
)
_COLOUR_WORDS: Final[dict[str, TempoColour]] = {
    "BLEU": TempoColour.BLUE,
    "BLANC": TempoColour.WHITE,
    "ROUGE": TempoColour.RED,
}
_CODE_COLOURS: Final[dict[int, TempoColour]] = {
    1: TempoColour.BLUE,
    2: TempoColour.WHITE,
    3: TempoColour.RED,
}


def _words(text: str) -> list[str]:
    """Split supplier free text into upper-case words."""
    return text.upper().replace("/", " ").replace("_", " ").split()


def historical_period(ptec: str) -> tuple[TariffPeriod | None, TempoColour | None]:
    """Read the tariff period and the day's Tempo colour from PTEC."""
    return _HISTORICAL_PERIODS.get(ptec, (None, None))


def tomorrow_colour(demain: str) -> TempoColour | None:
    """Read tomorrow's Tempo colour from DEMAIN, None while not announced."""
    return _TOMORROW.get(demain)


def standard_period(ltarf: str) -> TariffPeriod | None:
    """Read the tariff period from the supplier's LTARF text, if it says."""
    words = set(_words(ltarf))
    for keywords, period in _PERIOD_WORDS:
        if not keywords.isdisjoint(words):
            return period
    return None


def standard_colour(ltarf: str) -> TempoColour | None:
    """Read a Tempo colour from the supplier's LTARF text, if it names one."""
    return next(
        (_COLOUR_WORDS[word] for word in _words(ltarf) if word in _COLOUR_WORDS),
        None,
    )


def colour_from_code(code: int) -> TempoColour | None:
    """Map the 2-bit colour code of the status register to a colour."""
    return _CODE_COLOURS.get(code)


def contract_kind(name: str) -> ContractKind | None:
    """Read the contract family from OPTARIF or from the NGTF text."""
    if name.startswith("BBR"):
        return ContractKind.TEMPO
    words = set(_words(name.replace(".", " ")))
    if "TEMPO" in words:
        return ContractKind.TEMPO
    if "EJP" in words:
        return ContractKind.EJP
    if not words.isdisjoint(("HC", "CREUSE", "CREUSES")):
        return ContractKind.OFF_PEAK
    if "BASE" in words:
        return ContractKind.BASE
    return None
