"""Compute what a serial receiver set to the wrong line rate really delivers.

A TIC line carries 7E1 characters: a start bit (0), seven data bits, least
significant first, an even parity bit and a stop bit (1); the line idles at
1 between characters. A receiver configured for another rate still sees the
same voltage levels, but cuts them into characters with its own bit length.
This module replays that cutting, the way a UART does it:

- it waits for a falling edge (the line going from 1 to 0) and takes that as
  the start of a character;
- it samples the start bit half a bit later (its own bit length); a 1 there
  was a glitch, and it goes back to waiting;
- it samples the seven data bits, the parity bit and the stop bit in the
  middle of each of its own bit times;
- a stop bit read as 0 is a framing error; Linux's line discipline, with the
  input flags serialx sets (neither IGNPAR nor PARMRK), then hands the reader
  a NUL byte instead of the character. Parity is not checked (no INPCK), so
  a character with a wrong parity bit arrives as its seven data bits;
- it waits for the next falling edge after the middle of the stop bit.

At 1200 baud reading a 9600 baud meter, a whole character of the meter fits
in one receiver bit, so most characters come out as framing errors (NUL) or
as a few stray bits. At 9600 reading a 1200 baud meter, each meter bit spans
eight receiver bits, so the receiver reads long runs of equal bits: NULs and
bytes such as 0x7F. Neither ever looks like a TIC group.
"""

from __future__ import annotations

from typing import Final

DATA_BITS: Final = 7
FRAMING_ERROR: Final = 0x00


def _line_levels(data: bytes) -> list[int]:
    """Return the line's level for each bit time of 7E1 characters sent back to back."""
    levels: list[int] = []
    for byte in data:
        bits = [(byte >> index) & 1 for index in range(DATA_BITS)]
        levels += [0, *bits, sum(bits) & 1, 1]
    return levels


def misread(data: bytes, sent_baud: int, read_baud: int) -> bytes:
    """Return the bytes a `read_baud` receiver delivers for `data` sent at `sent_baud`.

    The line idles (at 1) before and after `data`.
    """
    levels = _line_levels(data)
    # Every time below is counted in the sender's bit times.
    bit = sent_baud / read_baud
    end = len(levels)

    def level(at: float) -> int:
        """Return the line's level at a time, idle outside the data."""
        index = int(at)
        return levels[index] if 0 <= index < end else 1

    received = bytearray()
    at = 0.0
    while True:
        start = next(
            (
                edge
                for edge in range(max(int(at), 0), end)
                if levels[edge] == 0
                and (edge == 0 or levels[edge - 1] == 1)
                and edge >= at
            ),
            None,
        )
        if start is None:
            return bytes(received)
        if level(start + bit / 2) == 1:
            at = start + bit / 2
            continue
        value = sum(
            level(start + bit * (index + 1.5)) << index for index in range(DATA_BITS)
        )
        stop_at = start + bit * (DATA_BITS + 2.5)
        received.append(value if level(stop_at) == 1 else FRAMING_ERROR)
        at = stop_at
