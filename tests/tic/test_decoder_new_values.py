"""Decode frames whose power and index change every frame, as a live meter sends."""

from __future__ import annotations

import pytest

from custom_components.linky_activity.tic.encoder import encode_frame, format_decimal
from custom_components.linky_activity.tic.frame import Frame, Group

from .captures import capture, decode

# Real captures and, for each, the power label and an index label to vary.
LIVE = {
    "historical-mono-tempo-pyteleinfo.txt": ("PAPP", "BBRHCJB"),
    "standard-mono-hc-goteleinfo.txt": ("SINSTS", "EAST"),
}


def _live_stream(name: str, count: int, *, damaged_every: int = 0) -> bytes:
    """Re-encode a real frame with a new power and index in every frame.

    With `damaged_every`, every so many frames get one bit flipped in the
    group that follows the new power value, so that a frame whose first new
    line passes its check has a later one that does not.
    """
    power_label, index_label = LIVE[name]
    frames, _ = decode(capture(name))
    template = max(frames, key=lambda frame: len(frame.groups))
    mode = template.mode
    index = int(template.groups[index_label].value)
    stream = bytearray()
    for number in range(count):
        groups = dict(template.groups)
        power = 100 + 10 * (number * 37 % 700)
        groups[power_label] = Group(
            power_label, format_decimal(power_label, power, mode)
        )
        groups[index_label] = Group(
            index_label, format_decimal(index_label, index + number, mode)
        )
        encoded = bytearray(encode_frame(groups.values(), mode))
        if damaged_every and number % damaged_every == damaged_every - 1:
            power_line = encoded.index(power_label.encode())
            encoded[encoded.index(b"\n", power_line) + 2] ^= 0x01
        stream += encoded
    return bytes(stream)


def _groups(frames: list[Frame]) -> list[dict[str, Group]]:
    return [frame.groups for frame in frames]


@pytest.mark.parametrize("name", sorted(LIVE))
def test_new_values_in_every_frame_decode_as_when_fed_byte_by_byte(name: str) -> None:
    data = _live_stream(name, 400)

    whole, decoder = decode(data)
    byte_by_byte, reference = decode(data, chunk=1)

    assert len(whole) == 400
    assert _groups(whole) == _groups(byte_by_byte)
    power_label, index_label = LIVE[name]
    assert len({frame.groups[power_label] for frame in whole}) == 400
    assert len({frame.groups[index_label] for frame in whole}) == 400
    assert (decoder.valid_groups, decoder.rejected_groups) == (
        reference.valid_groups,
        reference.rejected_groups,
    )


@pytest.mark.parametrize("name", sorted(LIVE))
def test_a_damaged_group_after_new_ones_loses_that_group_only(name: str) -> None:
    data = _live_stream(name, 210, damaged_every=7)

    whole, decoder = decode(data)
    byte_by_byte, reference = decode(data, chunk=1)

    assert _groups(whole) == _groups(byte_by_byte)
    assert decoder.rejected_groups == reference.rejected_groups == 30
    assert decoder.valid_groups == reference.valid_groups
    full = max(len(frame.groups) for frame in whole)
    assert [len(frame.groups) for frame in whole].count(full - 1) == 30
