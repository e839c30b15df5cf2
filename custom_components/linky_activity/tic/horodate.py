"""Read the timestamps (horodates) standard-mode groups carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Final

_SUMMER: Final = timezone(timedelta(hours=2))
_WINTER: Final = timezone(timedelta(hours=1))

# The season letter gives the offset from UTC: E (été) for French summer
# time, H (hiver) for winter time, in lower case while the meter's clock runs
# in degraded mode, and a space where the meter applies no seasonal change.
_OFFSETS: Final[dict[str, timezone]] = {
    "E": _SUMMER,
    "e": _SUMMER,
    "H": _WINTER,
    "h": _WINTER,
    " ": _WINTER,
}
HORODATE_LENGTH: Final = 13


@dataclass(frozen=True, slots=True, kw_only=True)
class Horodate:
    """Hold one decoded horodate."""

    moment: datetime
    season: str
    clock_degraded: bool


def _fields(horodate: str) -> datetime | None:
    """Return the naive date and time a horodate spells, or None."""
    if (
        len(horodate) != HORODATE_LENGTH
        or horodate[0] not in _OFFSETS
        or not horodate[1:].isdecimal()
    ):
        return None
    try:
        return datetime(
            2000 + int(horodate[1:3]),
            int(horodate[3:5]),
            int(horodate[5:7]),
            int(horodate[7:9]),
            int(horodate[9:11]),
            int(horodate[11:13]),
        )
    except ValueError:
        return None


def is_valid_horodate(horodate: str) -> bool:
    """Tell whether a string is a season letter followed by a real date and time."""
    return _fields(horodate) is not None


def parse_horodate(horodate: str) -> Horodate | None:
    """Decode a horodate into an aware date and time, or None if it is not one."""
    naive = _fields(horodate)
    if naive is None:
        return None
    season = horodate[0]
    return Horodate(
        moment=naive.replace(tzinfo=_OFFSETS[season]),
        season=season.upper(),
        clock_degraded=season.islower(),
    )
