"""Specify how the decoder frames, checks and narrows what it accepts."""

from __future__ import annotations

from custom_components.linky_activity.tic.checksum import ChecksumMethod
from custom_components.linky_activity.tic.decoder import FrameDecoder, check_group
from custom_components.linky_activity.tic.encoder import encode_frame, encode_group
from custom_components.linky_activity.tic.frame import Group, TicMode

from .captures import capture, decode

HISTORICAL = TicMode.HISTORICAL
STANDARD = TicMode.STANDARD


def test_short_frames_of_a_three_phase_meter_come_out_as_their_own_frames() -> None:
    frames, decoder = decode(capture("spec-historical-tri-short-frames.txt"))

    assert [len(frame.groups) for frame in frames] == [16, 7, 7, 7, 16]
    short = frames[1]
    assert list(short.groups) == [
        "ADIR1",
        "ADIR2",
        "ADIR3",
        "ADCO",
        "IINST1",
        "IINST2",
        "IINST3",
    ]
    assert short.groups["ADIR1"].value == "061"
    assert decoder.rejected_groups == 0


def test_short_frames_in_a_text_dump_are_not_split_at_their_meter_address() -> None:
    data = capture("spec-historical-tri-short-frames.txt")
    dump = data.replace(b"\x02", b"").replace(b"\x03", b"").replace(b"\r", b"")

    frames, _ = decode(dump)

    assert [len(frame.groups) for frame in frames] == [16, 7, 7, 7, 16]


def test_adps_overload_warning_is_decoded_in_its_frame_only() -> None:
    frames, _ = decode(capture("spec-historical-mono-adps.txt"))

    assert ["ADPS" in frame.groups for frame in frames] == [False, True, False]
    assert frames[1].groups["ADPS"].value == "033"


def test_eot_abandons_the_frame_in_progress() -> None:
    frames, decoder = decode(capture("spec-historical-mono-eot.txt"))

    assert [frame.groups["PAPP"].value for frame in frames] == ["02530", "02990"]
    assert decoder.interrupted_frames == 1
    assert decoder.frames == 2


def test_etx_hands_the_frame_out_before_the_next_frame_starts() -> None:
    frame = encode_frame(
        [Group("ADCO", "123456789012"), Group("PAPP", "00420")], HISTORICAL
    )
    decoder = FrameDecoder()

    assert decoder.feed(frame[:-1]) == []
    frames = decoder.feed(frame[-1:])

    assert [list(f.groups) for f in frames] == [["ADCO", "PAPP"]]


def test_lost_etx_still_gives_the_frame_when_the_next_stx_comes() -> None:
    first = encode_frame(
        [Group("ADCO", "123456789012"), Group("PAPP", "00420")], HISTORICAL
    )
    second = encode_frame(
        [Group("ADCO", "123456789012"), Group("PAPP", "00430")], HISTORICAL
    )

    frames, _ = decode(first[:-1] + second)

    assert [f.groups["PAPP"].value for f in frames] == ["00420", "00430"]


def test_noise_between_frames_is_counted_and_skipped() -> None:
    frame = capture("historical-mono-hc-wifinfo.txt")
    noise = bytes(range(0x20, 0x7F)) * 3

    frames, decoder = decode(frame + noise + b"\r\n" + frame)

    assert len(frames) == 2
    assert frames[0].groups == frames[1].groups
    assert decoder.rejected_groups == 1


def test_bytes_read_as_8n1_keep_their_parity_bit_and_still_decode() -> None:
    data = capture("historical-mono-tempo-pyteleinfo.txt")
    with_parity = bytes(
        byte | 0x80 if bin(byte).count("1") % 2 else byte for byte in data
    )

    assert decode(with_parity)[0] == decode(data)[0]


def test_fixed_mode_rejects_groups_of_the_other_mode() -> None:
    historical = encode_group(Group("PAPP", "00420"), HISTORICAL)
    standard = encode_group(Group("SINSTS", "00420"), STANDARD)
    decoder = FrameDecoder(HISTORICAL)

    frames = decoder.feed(b"\x02" + historical + standard + b"\x03")

    assert [list(frame.groups) for frame in frames] == [["PAPP"]]
    assert decoder.rejected_groups == 1


def test_mode_is_settled_only_after_several_agreeing_frames() -> None:
    frame = capture("historical-mono-hc-wifinfo.txt")
    decoder = FrameDecoder()

    settled = []
    for _ in range(4):
        decoder.feed(frame)
        settled.append(decoder.mode)

    assert settled == [None, None, HISTORICAL, HISTORICAL]


def test_once_the_mode_is_settled_groups_of_the_other_mode_are_rejected() -> None:
    decoder = FrameDecoder()
    decoder.feed(capture("historical-mono-tempo-pyteleinfo.txt"))
    assert decoder.mode is HISTORICAL
    rejected = decoder.rejected_groups

    frames = decoder.feed(capture("standard-mono-enedistic2ws.txt"))

    assert frames == []
    assert decoder.rejected_groups == rejected + 38


def test_historical_meter_using_the_second_checksum_method_is_understood() -> None:
    frames = [
        encode_frame(
            [
                Group("ADCO", "123456789012"),
                Group("BASE", f"{index_wh:09d}"),
                Group("PAPP", f"{power:05d}"),
            ],
            HISTORICAL,
            method=ChecksumMethod.WITH_LAST_SEPARATOR,
        )
        for index_wh, power in zip(range(1000, 1030), range(400, 430), strict=True)
    ]
    decoder = FrameDecoder()

    decoded = decoder.feed(b"".join(frames))

    assert len(decoded) == 30
    assert decoder.rejected_groups == 0
    assert decoder.checksum_method is ChecksumMethod.WITH_LAST_SEPARATOR


def test_after_the_checksum_method_settles_the_other_method_is_rejected() -> None:
    groups = [
        Group("ADCO", "123456789012"),
        Group("BASE", "000123456"),
        Group("PAPP", "00420"),
    ]
    decoder = FrameDecoder()
    decoder.feed(
        b"".join(
            encode_frame([*groups[:2], Group("PAPP", f"{power:05d}")], HISTORICAL)
            for power in range(400, 440)
        )
    )
    assert decoder.checksum_method is ChecksumMethod.WITHOUT_LAST_SEPARATOR

    frames = decoder.feed(
        encode_frame(groups, HISTORICAL, method=ChecksumMethod.WITH_LAST_SEPARATOR)
    )

    assert frames == []


def test_a_label_repeating_without_etx_starts_a_new_frame() -> None:
    lines = b"".join(
        encode_group(group, HISTORICAL)
        for group in (
            Group("PAPP", "00420"),
            Group("IINST", "002"),
            Group("PAPP", "00430"),
            Group("IINST", "002"),
        )
    )

    frames, _ = decode(lines)

    assert [f.groups["PAPP"].value for f in frames] == ["00420", "00430"]


def test_groups_with_a_known_label_but_malformed_data_are_rejected() -> None:
    for group in (
        Group("PAPP", "0042A"),
        Group("PAPP", "000420"),
        Group("STGE", "0013A000"[:7]),
        Group("ISOUSC", ""),
    ):
        mode = STANDARD if group.label == "STGE" else HISTORICAL
        assert check_group(encode_group(group, mode).strip()) is None, group


def test_horodated_groups_need_a_real_date() -> None:
    good = encode_group(Group("SMAXSN", "05706", "H191203032158"), STANDARD).strip()
    feb_30 = encode_group(Group("SMAXSN", "05706", "H190230032158"), STANDARD).strip()
    no_season = encode_group(
        Group("SMAXSN", "05706", "X191203032158"), STANDARD
    ).strip()
    missing = encode_group(Group("SMAXSN", "05706"), STANDARD).strip()

    assert check_group(good) is not None
    assert check_group(feb_30) is None
    assert check_group(no_season) is None
    assert check_group(missing) is None


def test_unknown_but_well_formed_labels_are_kept() -> None:
    checked = check_group(encode_group(Group("NEWLABEL", "12"), STANDARD).strip())

    assert checked is not None
    assert checked.group == Group("NEWLABEL", "12")
    assert checked.mode is STANDARD


def test_reset_forgets_a_half_received_frame() -> None:
    frame = capture("historical-mono-hc-wifinfo.txt")
    decoder = FrameDecoder()
    decoder.feed(frame[: len(frame) // 2])

    decoder.reset()
    frames = decoder.feed(frame)

    assert len(frames) == 1
    assert len(frames[0].groups) == 11


def test_endless_bytes_without_line_end_are_dropped_not_buffered() -> None:
    decoder = FrameDecoder()

    for _ in range(100):
        decoder.feed(b"A" * 1000)
    frames = decoder.feed(b"\r\n" + capture("historical-mono-hc-wifinfo.txt"))

    assert len(decoder._pending) <= 160
    assert decoder.rejected_groups == 1
    assert len(frames) == 1
    assert len(frames[0].groups) == 11
