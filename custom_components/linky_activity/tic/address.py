"""Decode the meter address (ADCO, ADSC) into manufacturer, year and meter type.

The 12-digit address is the manufacturer code (2 digits), the year of
manufacture (2), the meter type (2) and a serial number (6). The whole
address identifies a household, so `MeterAddress` keeps only the first three
parts, which many meters share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

# Manufacturer codes as allocated in the Euridis list of meter manufacturer
# identifiers (version 3.04A, 2019); codes above 80 are the manufacturers'
# second ranges once their first million serial numbers ran out.
MANUFACTURERS: Final[dict[str, str]] = {
    "01": "Crouzet / Monetel",
    "02": "Sagem / Sagemcom",
    "03": "Schlumberger / Actaris / Itron",
    "04": "Landis+Gyr / Siemens Metering",
    "05": "Sauter / Stepper Energie France / Zellweger",
    "06": "Itron",
    "07": "MAEC",
    "08": "Matra-Chauvin Arnoux / Enerdis",
    "09": "Faure-Herman",
    "10": "Sevme / SIS",
    "11": "Magnol / Elster / Honeywell",
    "12": "Gaz Thermique",
    "14": "Ghielmetti / Dialog E.S. / Micronique",
    "15": "Mecelec",
    "16": "Legrand / Baco",
    "17": "SERD-Schlumberger",
    "18": "Schneider / Merlin Gerin / Gardy",
    "19": "General Electric / Power Control",
    "20": "Nuovo Pignone / Dresser",
    "21": "SCLE",
    "22": "EDF",
    "23": "GDF / GDF-Suez",
    "24": "Hager / General Electric",
    "25": "Delta Dore",
    "26": "RIZ",
    "27": "Iskraemeco",
    "28": "GMT",
    "29": "Analog Devices",
    "30": "Michaud",
    "31": "Hexing Electrical",
    "32": "Siame",
    "33": "Larsen & Toubro",
    "34": "Elster / Honeywell",
    "35": "Electronic Afzar Azma",
    "36": "Advanced Electronic Company",
    "37": "AEM",
    "38": "Zhejiang Chint Instrument & Meter",
    "39": "ZIV",
    "70": "Landis+Gyr (export)",
    "71": "Stepper Energie France (export)",
    "81": "Sagem / Sagemcom",
    "82": "Landis+Gyr / Siemens Metering",
    "83": "Elster / Honeywell",
    "84": "Sagem / Sagemcom",
    "85": "Itron",
}

# Meter type codes of the Linky meters Enedis-NOI-CPT_54E covers.
METER_TYPES: Final[dict[str, str]] = {
    "61": "Linky single-phase 60 A, G3 roll-out, high-power supply",
    "62": "Linky single-phase 90 A, G1 roll-out, low-power supply",
    "63": "Linky three-phase 60 A, G1 roll-out, low-power supply",
    "64": "Linky single-phase 60 A, G3 roll-out, low-power supply",
    "70": "Linky single-phase 60 A, G3 pilot series",
    "71": "Linky three-phase 60 A, G3 pilot series",
    "75": "Linky single-phase 90 A, G3 roll-out, low-power supply",
    "76": "Linky three-phase 60 A, G3 roll-out, low-power supply",
}

ADDRESS_LENGTH: Final = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterAddress:
    """Hold what a meter address says about the meter, without its serial number."""

    manufacturer_code: str
    manufacturer: str | None
    year: int
    meter_type_code: str
    meter_type: str | None


def decode_address(address: str, *, today: date | None = None) -> MeterAddress | None:
    """Decode a 12-digit meter address, or return None if it is not one.

    The year has two digits: it is taken in this century unless that would
    put it more than a year ahead of `today`, as for meters of the 1990s.
    """
    if len(address) != ADDRESS_LENGTH or not address.isdecimal():
        return None
    two_digit_year = int(address[2:4])
    this_year = (today or date.today()).year
    year = 2000 + two_digit_year
    if year > this_year + 1:
        year -= 100
    manufacturer_code = address[:2]
    meter_type_code = address[4:6]
    return MeterAddress(
        manufacturer_code=manufacturer_code,
        manufacturer=MANUFACTURERS.get(manufacturer_code),
        year=year,
        meter_type_code=meter_type_code,
        meter_type=METER_TYPES.get(meter_type_code),
    )
