"""Decode every real capture exactly as its checksums allow."""

from __future__ import annotations

import pytest

from custom_components.linky_activity.tic.frame import TicMode

from .captures import (
    REAL_CAPTURES,
    SPEC_CAPTURES,
    TEXT_CAPTURES,
    capture,
    decode,
    reference_groups,
    triples,
)


def test_the_fixture_folder_holds_the_real_captures_and_the_spec_ones() -> None:
    assert len(REAL_CAPTURES) == 15
    assert len(SPEC_CAPTURES) == 3


@pytest.mark.parametrize("name", REAL_CAPTURES + SPEC_CAPTURES)
def test_capture_decodes_to_exactly_the_groups_whose_checksum_is_right(
    name: str,
) -> None:
    data = capture(name)
    frames, decoder = decode(data)

    expected = reference_groups(data)
    if name == "spec-historical-mono-eot.txt":
        # The five groups sent before EOT belong to an abandoned frame.
        del expected[9:14]
    assert triples(frames) == expected
    assert decoder.valid_groups == len(expected) + decoder.interrupted_frames * 5


@pytest.mark.parametrize("name", REAL_CAPTURES)
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_capture_decodes_the_same_whatever_the_read_sizes(
    name: str, chunk: int
) -> None:
    data = capture(name)

    whole, _ = decode(data)
    pieces, _ = decode(data, chunk=chunk)

    assert [frame.groups for frame in pieces] == [frame.groups for frame in whole]


@pytest.mark.parametrize("name", REAL_CAPTURES)
def test_every_frame_holds_groups_of_its_own_mode(name: str) -> None:
    frames, _ = decode(capture(name))

    expected = TicMode.STANDARD if name.startswith("standard") else TicMode.HISTORICAL
    assert frames
    assert {frame.mode for frame in frames} == {expected}


def test_meter_putting_cr_lf_etx_stx_cr_lf_between_frames_gives_whole_frames() -> None:
    frames, decoder = decode(capture("historical-tri-base-lains.txt"))

    # The capture starts inside a frame ("MOTDE") and ends inside one.
    assert [len(frame.groups) for frame in frames] == [16] * 6 + [6]
    assert decoder.rejected_groups == 1
    assert next(iter(frames[0].groups)) == "ADCO"
    assert list(frames[0].groups)[-1] == "PPOT"


@pytest.mark.parametrize("name", TEXT_CAPTURES)
def test_text_dump_without_stx_etx_is_cut_where_the_meter_address_comes(
    name: str,
) -> None:
    frames, _ = decode(capture(name))

    full = [frame for frame in frames if {"ADCO", "ADSC"} & frame.groups.keys()]
    assert full
    for frame in full:
        assert next(iter(frame.groups)) in {"ADCO", "ADSC"}


def test_wrong_pcoup_checksum_loses_that_group_and_nothing_else() -> None:
    clean, _ = decode(capture("standard-mono-enedistic2ws.txt"))
    corrupt, decoder = decode(capture("standard-mono-corrupt-pcoup-enedistic2ws.txt"))

    assert decoder.rejected_groups == 1
    expected = {label: g for label, g in clean[0].groups.items() if label != "PCOUP"}
    assert corrupt[0].groups == expected
    assert corrupt[0].rejected_groups == 1


def test_natural_bit_errors_are_rejected() -> None:
    frames, decoder = decode(capture("standard-tri-tempo-noise-teleinfonom.txt"))

    labels = {label for frame in frames for label in frame.groups}
    assert "CC@SN" not in labels
    assert "@COUP" not in labels
    assert decoder.rejected_groups == 17
    values = {g.value for frame in frames for g in frame.groups.values()}
    assert " 00000000" not in values


def test_cut_frames_and_oversized_groups_are_rejected_but_the_rest_survives() -> None:
    frames, decoder = decode(capture("historical-mono-corrupt-wifinfo.txt"))

    values = [g.value for frame in frames for g in frame.groups.values()]
    assert not any("ST 008" in value or "AAAA" in value for value in values)
    assert decoder.rejected_groups == 14
    assert len(frames[0].groups) == 10
    assert frames[0].groups["PAPP"].value == "01890"


def test_group_that_passes_its_checksum_by_chance_is_still_rejected() -> None:
    line = b"}PR`PzSOUSC 20 8"
    assert line in capture("historical-tri-rxerrors-lains.txt")
    # The 6-bit checksum accepts this corrupted ISOUSC line...
    assert (sum(line[:-2]) & 0x3F) + 0x20 == line[-1]

    frames, _ = decode(capture("historical-tri-rxerrors-lains.txt"))

    # ...but its label is not a label, so the decoder drops it.
    labels = {label for frame in frames for label in frame.groups}
    assert all(
        label.isascii() and label.isupper() for label in labels if label.isalpha()
    )
    assert "}PR`PzSOUSC" not in labels


def test_stray_bytes_and_groups_out_of_order_still_give_producer_frames() -> None:
    frames, decoder = decode(capture("standard-mono-prod-corrupt-teleinfo2mqtt.txt"))

    assert decoder.rejected_groups == 9
    injected = {
        frame.groups["SINSTI"].value for frame in frames if "SINSTI" in frame.groups
    }
    assert injected
    assert all(1400 <= int(value) <= 1800 for value in injected)
    drawn = {
        frame.groups["SINSTS"].value for frame in frames if "SINSTS" in frame.groups
    }
    assert drawn == {"00000"}
    assert decoder.profile.producer is True


def test_eleven_character_meter_address_is_kept_as_sent() -> None:
    frames, _ = decode(capture("standard-mono-hc-goteleinfo.txt"))

    assert frames[0].groups["ADSC"].value == "12345678900"
