"""Give the serial line settings of each TIC mode."""

from __future__ import annotations

from typing import Final

from .frame import TicMode

# Both modes send 7 data bits, even parity and one stop bit; only the rate
# differs (Enedis-NOI-CPT_02E and NOI-CPT_54E).
BAUD_RATES: Final[dict[TicMode, int]] = {
    TicMode.HISTORICAL: 1200,
    TicMode.STANDARD: 9600,
}
DATA_BITS: Final = 7
# A start bit, the data bits, a parity bit and a stop bit.
BITS_PER_BYTE: Final = 1 + DATA_BITS + 1 + 1
