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
