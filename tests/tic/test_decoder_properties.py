"""Feed the decoder arbitrary and damaged bytes: it never raises, never lies."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.linky_activity.tic.frame import Frame, TicMode

from .captures import (
    REAL_CAPTURES,
    capture,
    decode,
    reference_checksum,
    reference_groups,
)

_PARITY = bytes(range(128)) * 2
_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _sent_forms(
    label: str, value: str, horodate: str | None, mode: TicMode
) -> list[bytes]:
    """Return the byte strings that a group with a right checksum would be."""
    if mode is TicMode.STANDARD:
        fields = [label, horodate, value] if horodate is not None else [label, value]
        body = "\t".join(fields).encode("ascii") + b"\t"
        return [body + bytes([reference_checksum(body)])]
    body = f"{label} {value}".encode("ascii")
    return [
        body + b" " + bytes([reference_checksum(body)]),
        body + b" " + bytes([reference_checksum(body + b" ")]),
    ]


def _assert_every_group_was_sent_with_a_right_checksum(
    frames: list[Frame], data: bytes
) -> None:
    seen = data.translate(_PARITY)
    for frame in frames:
        for group in frame.groups.values():
            forms = _sent_forms(group.label, group.value, group.horodate, frame.mode)
            assert any(form in seen for form in forms), group


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Flip bits, delete and insert bytes at the given places."""
    buffer = bytearray(data)
    for position, action, byte in edits:
        if not buffer:
            break
        at = position % len(buffer)
        if action == 0:
            buffer[at] ^= 1 << (byte % 8)
        elif action == 1:
            del buffer[at]
        else:
            buffer.insert(at, byte)
    return bytes(buffer)


_edits = st.lists(
    st.tuples(st.integers(0, 1 << 16), st.integers(0, 2), st.integers(0, 255)),
    max_size=40,
)


@_SETTINGS
@given(data=st.binary(max_size=3000), chunk=st.integers(1, 300))
def test_arbitrary_bytes_never_raise_nor_yield_a_group_with_a_wrong_checksum(
    data: bytes, chunk: int
) -> None:
    frames, decoder = decode(data, chunk=chunk)

    _assert_every_group_was_sent_with_a_right_checksum(frames, data)
    assert decoder.frames == len(frames)


@_SETTINGS
@given(
    name=st.sampled_from(REAL_CAPTURES),
    edits=_edits,
    chunk=st.integers(1, 200),
)
def test_damaged_captures_only_yield_groups_the_reference_check_accepts(
    name: str, edits: list[tuple[int, int, int]], chunk: int
) -> None:
    data = _mutate(capture(name), edits)

    frames, _ = decode(data, chunk=chunk)

    _assert_every_group_was_sent_with_a_right_checksum(frames, data)
    accepted = set(reference_groups(data.translate(_PARITY)))
    for frame in frames:
        for group in frame.groups.values():
            assert (group.label, group.value, group.horodate) in accepted


@_SETTINGS
@given(
    name=st.sampled_from(REAL_CAPTURES),
    edits=_edits,
    chunk=st.integers(1, 200),
)
def test_damaged_captures_decode_the_same_whatever_the_read_sizes(
    name: str, edits: list[tuple[int, int, int]], chunk: int
) -> None:
    data = _mutate(capture(name), edits)

    whole, _ = decode(data)
    pieces, _ = decode(data, chunk=chunk)

    assert [frame.groups for frame in pieces] == [frame.groups for frame in whole]


@_SETTINGS
@given(data=st.binary(max_size=2000), chunk=st.integers(1, 100))
def test_arbitrary_bytes_decode_the_same_whatever_the_read_sizes(
    data: bytes, chunk: int
) -> None:
    whole, _ = decode(data)
    pieces, _ = decode(data, chunk=chunk)

    assert [frame.groups for frame in pieces] == [frame.groups for frame in whole]
