"""Build groups and frames that are byte for byte what meters send."""

from __future__ import annotations

from datetime import datetime

import pytest

from custom_components.linky_activity.tic.encoder import (
    encode_frame,
    format_decimal,
    format_horodate,
)
from custom_components.linky_activity.tic.frame import TicMode

from .captures import capture, decode


@pytest.mark.parametrize(
    "name",
    [
        "historical-mono-base-enedistic2ws.txt",
        "historical-mono-hc-wifinfo.txt",
        "standard-mono-enedistic2ws.txt",
        "standard-mono-hc-goteleinfo.txt",
    ],
)
def test_re_encoding_a_decoded_real_frame_gives_back_its_bytes(name: str) -> None:
    data = capture(name)
    frames, _ = decode(data)

    encoded = encode_frame(frames[0].groups.values(), frames[0].mode)

    # These captures start with STX LF and hold one whole frame.
    assert encoded == data[: len(encoded)]
    assert data.startswith(b"\x02\n")


def test_decimal_values_are_padded_to_the_label_width_and_clamped() -> None:
    assert format_decimal("PAPP", 420, TicMode.HISTORICAL) == "00420"
    assert format_decimal("EAST", 17026175, TicMode.STANDARD) == "017026175"
    assert format_decimal("PAPP", 123456, TicMode.HISTORICAL) == "99999"
    assert format_decimal("IINST", -3, TicMode.HISTORICAL) == "000"


def test_horodate_carries_the_season_letter() -> None:
    moment = datetime(2019, 12, 3, 12, 58, 5)

    assert format_horodate(moment, summer_time=False) == "H191203125805"
    assert format_horodate(moment, summer_time=True) == "E191203125805"
