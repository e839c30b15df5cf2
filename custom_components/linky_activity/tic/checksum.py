"""Compute and check the 6-bit checksum that ends every TIC information group."""

from __future__ import annotations

from enum import StrEnum


class ChecksumMethod(StrEnum):
    """Name the two ways meters delimit the bytes a checksum covers."""

    # Method 1 sums the label, the separator and the data, and stops before
    # the separator that precedes the checksum: historical meters use it.
    WITHOUT_LAST_SEPARATOR = "without_last_separator"
    # Method 2 also sums that last separator: standard mode always uses it,
    # and some historical meters do too.
    WITH_LAST_SEPARATOR = "with_last_separator"


def checksum(covered: bytes) -> int:
    """Return the checksum character code of the bytes a group's checksum covers."""
    return (sum(covered) & 0x3F) + 0x20


def checksum_char(covered: bytes) -> str:
    """Return the checksum character of the bytes a group's checksum covers."""
    return chr(checksum(covered))


def matching_method(
    body: bytes, separator: int, received: int
) -> ChecksumMethod | None:
    """Tell which method, if any, makes `received` the checksum of `body`.

    `body` is the group without its last separator and checksum character.
    """
    total = sum(body)
    if (total & 0x3F) + 0x20 == received:
        return ChecksumMethod.WITHOUT_LAST_SEPARATOR
    if ((total + separator) & 0x3F) + 0x20 == received:
        return ChecksumMethod.WITH_LAST_SEPARATOR
    return None
