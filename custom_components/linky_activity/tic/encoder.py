"""Build valid TIC groups and frames, as a meter would send them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .checksum import ChecksumMethod, checksum
from .frame import Group, TicMode
from .labels import LABELS

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

STX: Final = b"\x02"
ETX: Final = b"\x03"
EOT: Final = b"\x04"
_SEPARATORS: Final = {TicMode.HISTORICAL: b" ", TicMode.STANDARD: b"\t"}
_DEFAULT_METHODS: Final = {
    TicMode.HISTORICAL: ChecksumMethod.WITHOUT_LAST_SEPARATOR,
    TicMode.STANDARD: ChecksumMethod.WITH_LAST_SEPARATOR,
}


def encode_group(
    group: Group, mode: TicMode, *, method: ChecksumMethod | None = None
) -> bytes:
    """Return one group framed by LF and CR, with its checksum.

    The method defaults to the one the mode's specification gives.
    """
    separator = _SEPARATORS[mode]
    fields = [group.label, group.value]
    if group.horodate is not None:
        fields.insert(1, group.horodate)
    body = separator.join(field.encode("ascii") for field in fields) + separator
    if (method or _DEFAULT_METHODS[mode]) is ChecksumMethod.WITH_LAST_SEPARATOR:
        covered = body
    else:
        covered = body[: -len(separator)]
    return b"\n" + body + bytes((checksum(covered),)) + b"\r"


def encode_frame(
    groups: Iterable[Group], mode: TicMode, *, method: ChecksumMethod | None = None
) -> bytes:
    """Return a whole frame: STX, the groups in order, ETX."""
    body = b"".join(encode_group(group, mode, method=method) for group in groups)
    return STX + body + ETX


def format_decimal(label: str, number: int, mode: TicMode) -> str:
    """Format a number as the label's data field: zero-padded to its width.

    Numbers too large for the field are clamped, as a meter's display would.
    """
    width = LABELS[mode][label].width
    return str(min(max(number, 0), 10**width - 1)).zfill(width)


def format_horodate(moment: datetime, *, summer_time: bool) -> str:
    """Format a local date and time as a horodate with its season letter."""
    return ("E" if summer_time else "H") + moment.strftime("%y%m%d%H%M%S")
