"""Read frames through the group memo exactly as from scratch, and stay bounded."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields, replace

import pytest

from custom_components.linky_activity.tic import reading as reading_module
from custom_components.linky_activity.tic.encoder import encode_frame, format_decimal
from custom_components.linky_activity.tic.frame import Frame, Group, TicMode
from custom_components.linky_activity.tic.reading import (
    MeterReading,
    reading_from_frame,
)
from custom_components.linky_activity.tic.tariff import TempoColour

from .captures import FIXTURES, capture, decode

ALL_CAPTURES = sorted(path.name for path in FIXTURES.glob("*.txt"))


def _cold(frame: Frame) -> MeterReading:
    """Read a frame with nothing memoised."""
    reading_module._memo.forget()
    return reading_from_frame(frame)


def _through_init(reading: MeterReading) -> MeterReading:
    """Rebuild a reading with the dataclass's own constructor."""
    return MeterReading(
        **{item.name: getattr(reading, item.name) for item in fields(reading)}
    )


def _largest_frame(name: str) -> Frame:
    frames, _ = decode(capture(name))
    return max(frames, key=lambda frame: len(frame.groups))


@pytest.mark.parametrize("name", ALL_CAPTURES)
def test_memoised_readings_equal_readings_read_from_scratch(name: str) -> None:
    frames, _ = decode(capture(name))
    cold = [_cold(frame) for frame in frames]

    reading_module._memo.forget()
    warm = [reading_from_frame(frame) for frame in frames]
    again = [reading_from_frame(frame) for frame in frames]

    assert warm == cold
    assert again == cold
    assert [repr(reading) for reading in warm] == [repr(reading) for reading in cold]


@pytest.mark.parametrize("name", ALL_CAPTURES)
def test_readings_equal_the_same_fields_given_to_the_dataclass_constructor(
    name: str,
) -> None:
    frames, _ = decode(capture(name))

    for frame in frames:
        reading = reading_from_frame(frame)
        rebuilt = _through_init(reading)

        assert rebuilt == reading
        assert repr(rebuilt) == repr(reading)
        assert set(vars(reading)) <= {item.name for item in fields(reading)}


def test_a_reading_stays_frozen_and_replace_gives_a_full_copy() -> None:
    reading = reading_from_frame(_largest_frame("historical-mono-tempo-pyteleinfo.txt"))

    with pytest.raises(FrozenInstanceError):
        reading.apparent_power_va = 0  # type: ignore[misc]
    changed = replace(reading, energy_wh={"bbrhcjb": 1})

    assert changed.energy_wh == {"bbrhcjb": 1}
    assert changed.tariff_period is reading.tariff_period
    assert changed.currents_a == reading.currents_a
    assert reading.energy_wh["bbrhcjb"] == 18328856


def test_readings_of_one_frame_share_no_mapping() -> None:
    frame = _largest_frame("standard-tri-tempo-noise-teleinfonom.txt")
    first = reading_from_frame(frame)
    first.energy_wh.clear()
    first.voltages_v[1] = 0
    first.pulse_counts["gaz"] = 1

    second = reading_from_frame(frame)

    assert second.energy_wh
    assert second.voltages_v[1] != 0
    assert second.pulse_counts == {}
    assert second.energy_wh is not first.energy_wh


def test_status_register_colours_win_over_the_supplier_label_in_any_order() -> None:
    frame = _largest_frame("standard-tri-tempo-noise-teleinfonom.txt")
    stge = frame.groups["STGE"]
    ltarf = frame.groups["LTARF"]
    rest = {label: group for label, group in frame.groups.items() if label != "STGE"}
    stge_first = Frame(mode=frame.mode, groups={"STGE": stge, **rest})
    without_status = Frame(mode=frame.mode, groups=rest)
    # A supplier label naming another colour than the status register's.
    blue = Group("LTARF", ltarf.value.replace("BLANC", "BLEU "))
    contradicted = Frame(mode=frame.mode, groups={**frame.groups, "LTARF": blue})

    readings = [_cold(candidate) for candidate in (frame, stge_first, contradicted)] + [
        reading_from_frame(candidate) for candidate in (frame, stge_first)
    ]

    assert {reading.tempo_today for reading in readings} == {TempoColour.WHITE}
    assert {reading.tempo_tomorrow for reading in readings} == {TempoColour.BLUE}
    assert _cold(without_status).tempo_today is TempoColour.WHITE
    assert _cold(without_status).tempo_tomorrow is None
    assert (
        reading_from_frame(
            Frame(mode=frame.mode, groups={**rest, "LTARF": blue})
        ).tempo_today
        is TempoColour.BLUE
    )


def test_messages_keep_frame_order_and_mobile_peaks_their_own_bounds() -> None:
    groups = {
        "ADSC": Group("ADSC", "041776199999"),
        "MSG2": Group("MSG2", "COUPURE 12H"),
        "MSG1": Group("MSG1", "PAS DE          MESSAGE         "),
        "FPM2": Group("FPM2", "00", "H200215060000"),
        "DPM1": Group("DPM1", "00", "H200214060000"),
    }
    frames, _ = decode(encode_frame(groups.values(), TicMode.STANDARD))

    reading = reading_from_frame(frames[0])

    assert reading.messages == ("COUPURE 12H", "PAS DE          MESSAGE")
    assert [peak.number for peak in reading.mobile_peaks] == [1, 2]
    assert reading.mobile_peaks[0].start is not None
    assert reading.mobile_peaks[0].end is None
    assert reading.mobile_peaks[1].start is None
    assert reading.mobile_peaks[1].end is not None
    assert reading == _cold(frames[0])


def test_the_memo_stays_bounded_when_power_changes_in_every_frame() -> None:
    template = _largest_frame("standard-mono-hc-goteleinfo.txt")
    mode = TicMode.STANDARD
    count = 2 * reading_module._MEMO_SIZE + 100
    stream = b"".join(
        encode_frame(
            {
                **template.groups,
                "SINSTS": Group("SINSTS", format_decimal("SINSTS", power, mode)),
            }.values(),
            mode,
        )
        for power in range(count)
    )
    frames, _ = decode(stream)
    reading_module._memo.forget()

    powers = []
    for frame in frames:
        powers.append(reading_from_frame(frame).apparent_power_va)
        assert reading_module._memo.held() <= 2 * reading_module._MEMO_SIZE

    assert powers == list(range(count))
