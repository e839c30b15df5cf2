"""Turn real frames into typed readings with units."""

from __future__ import annotations

from datetime import UTC, datetime, time

from custom_components.linky_activity.tic.encoder import encode_frame
from custom_components.linky_activity.tic.frame import Frame, Group, TicMode
from custom_components.linky_activity.tic.reading import reading_from_frame
from custom_components.linky_activity.tic.tariff import (
    ContractKind,
    TariffPeriod,
    TempoColour,
)

from .captures import capture, decode


def _largest_frame(name: str) -> Frame:
    frames, _ = decode(capture(name))
    return max(frames, key=lambda frame: len(frame.groups))


def test_historical_tempo_frame_gives_period_colours_and_six_indexes() -> None:
    reading = reading_from_frame(_largest_frame("historical-mono-tempo-pyteleinfo.txt"))

    assert reading.mode is TicMode.HISTORICAL
    assert reading.contract == "BBR("
    assert reading.contract_kind is ContractKind.TEMPO
    assert reading.tariff_period is TariffPeriod.OFF_PEAK
    assert reading.tempo_today is TempoColour.BLUE
    assert reading.tempo_tomorrow is TempoColour.RED
    assert reading.energy_wh == {
        "bbrhcjb": 18328856,
        "bbrhpjb": 23739545,
        "bbrhcjw": 1466099,
        "bbrhpjw": 2132883,
        "bbrhcjr": 860118,
        "bbrhpjr": 844115,
    }
    assert reading.subscribed_current_a == 30
    assert reading.currents_a == {1: 12}
    assert reading.max_currents_a == {1: 90}
    assert reading.schedule_group == "A"
    assert reading.apparent_power_va in {2840, 2850, 2860}


def test_historical_three_phase_frame_gives_currents_per_phase() -> None:
    reading = reading_from_frame(_largest_frame("historical-tri-base-nextdom24.txt"))

    assert reading.currents_a == {1: 1, 2: 2, 3: 2}
    assert reading.max_currents_a == {1: 31, 2: 32, 3: 36}
    assert reading.max_power_w == 15020
    assert reading.apparent_power_va == 1095
    assert reading.missing_phases == frozenset()
    assert reading.energy_wh == {"base": 73260524}
    assert reading.tariff_period is TariffPeriod.ALL_HOURS
    assert reading.three_phase


def test_short_frame_reading_carries_the_overload_and_is_marked_short() -> None:
    frames, _ = decode(capture("spec-historical-tri-short-frames.txt"))

    long_reading, short_reading = (reading_from_frame(frame) for frame in frames[:2])

    assert not long_reading.short_frame
    assert short_reading.short_frame
    assert short_reading.phase_overload_currents_a == {1: 61, 2: 0, 3: 0}
    assert short_reading.currents_a == {1: 61, 2: 2, 3: 1}
    assert short_reading.apparent_power_va is None


def test_adps_gives_the_overload_current() -> None:
    frames, _ = decode(capture("spec-historical-mono-adps.txt"))

    readings = [reading_from_frame(frame) for frame in frames]

    assert [reading.overload_current_a for reading in readings] == [None, 33, None]


def test_standard_frame_gives_horodated_maxima_load_curve_and_voltage() -> None:
    reading = reading_from_frame(_largest_frame("standard-mono-hc-goteleinfo.txt"))

    assert reading.mode is TicMode.STANDARD
    assert reading.apparent_power_va == 519
    assert reading.voltages_v == {1: 232}
    assert reading.currents_a == {1: 2}
    assert reading.subscribed_power_kva == 9
    assert reading.cutoff_power_kva == 9
    assert reading.tariff_label == "HEURE  CREUSE"
    assert reading.tariff_period is TariffPeriod.OFF_PEAK
    assert reading.contract == "HC et Week-End"
    assert reading.contract_kind is ContractKind.OFF_PEAK
    assert reading.supplier_index == 1
    assert reading.tic_version == "02"
    assert reading.meter_time is not None
    assert reading.meter_time.moment == datetime(2019, 12, 3, 11, 58, 5, tzinfo=UTC)
    maximum = reading.max_apparent_power_today
    assert maximum is not None
    assert maximum.value == 5706
    assert maximum.at.moment == datetime(2019, 12, 3, 2, 21, 58, tzinfo=UTC)
    assert reading.load_curve_w is not None
    assert reading.load_curve_w.value == 521
    assert reading.average_voltages_v[1].value == 232
    assert reading.energy_wh["east"] == 17026175
    assert reading.energy_wh["easd04"] == 3503199
    assert len(reading.energy_wh) == 15
    assert reading.relays_closed == (True, *([False] * 7))
    assert reading.messages == ("PAS DE          MESSAGE",)
    assert reading.next_day_profile is not None
    assert [slot.start for slot in reading.next_day_profile][:2] == [
        time(0, 0),
        time(2, 56),
    ]
    assert [slot.supplier_index for slot in reading.next_day_profile][:2] == [2, 1]


def test_producer_frame_gives_injection_and_reactive_energy() -> None:
    frames, _ = decode(capture("standard-mono-prod-corrupt-teleinfo2mqtt.txt"))
    reading = reading_from_frame(max(frames, key=lambda frame: len(frame.groups)))

    assert reading.injected_apparent_power_va is not None
    assert 1400 <= reading.injected_apparent_power_va <= 1800
    assert reading.energy_wh["eait"] == 3626872
    assert reading.reactive_energy_varh == {
        "erq1": 2101552,
        "erq2": 1604670,
        "erq3": 17300,
        "erq4": 5446257,
    }
    assert reading.max_injected_power_today is not None
    assert reading.injected_load_curve_w is not None
    assert reading.status is not None
    assert reading.status.producer
    assert reading.status.active_energy_negative


def test_standard_tempo_colours_come_from_the_status_register() -> None:
    reading = reading_from_frame(
        _largest_frame("standard-tri-tempo-noise-teleinfonom.txt")
    )

    assert reading.tariff_label == "HC  BLANC"
    assert reading.tariff_period is TariffPeriod.OFF_PEAK
    assert reading.tempo_today is TempoColour.WHITE
    assert reading.tempo_tomorrow is TempoColour.BLUE
    assert reading.contract_kind is ContractKind.TEMPO
    assert reading.phase_apparent_power_va.keys() == {1, 2, 3}
    assert reading.voltages_v.keys() == {1, 2, 3}
    assert reading.mobile_peaks[0].number == 1
    assert reading.three_phase


def test_tempo_colour_falls_back_to_the_supplier_label_without_status() -> None:
    frames, _ = decode(capture("standard-tri-tempo-tasmota38.txt"))
    full = next(frame for frame in frames if "ADSC" in frame.groups)
    assert "STGE" not in full.groups

    reading = reading_from_frame(full)

    assert reading.tempo_today is TempoColour.BLUE
    assert reading.tempo_tomorrow is None


def test_meter_address_and_prm_are_kept_but_never_shown_in_repr() -> None:
    reading = reading_from_frame(_largest_frame("standard-tri-prod-openhab.txt"))

    assert reading.meter_address == "123456789012"
    assert reading.prm == "12345678901234"
    assert "123456789012" not in repr(reading)
    assert "12345678901234" not in repr(reading)


def test_meter_address_is_decoded_into_what_it_says_about_the_meter() -> None:
    reading = reading_from_frame(
        _largest_frame("standard-tri-tempo-noise-teleinfonom.txt")
    )

    assert reading.address is not None
    assert reading.address.manufacturer_code == "04"
    assert reading.address.year == 2017
    assert reading.address.meter_type_code == "76"
    assert reading.address.meter_type is not None
    assert "three-phase" in reading.address.meter_type


def test_early_linky_label_variants_fill_the_same_fields() -> None:
    groups = [
        Group("ADSC", "031664000108"),
        Group("SINSTS", "01200"),
        Group("SINST1", "00400"),
        Group("SINST2", "00500"),
        Group("SINST3", "00300"),
        Group("SMAXN", "05706", "H191203032158"),
        Group("SMAXN-1", "05661", "H191202171658"),
        Group("SMAXN2", "02000", "H191203032158"),
    ]
    frames, _ = decode(encode_frame(groups, TicMode.STANDARD))

    reading = reading_from_frame(frames[0])

    assert reading.phase_apparent_power_va == {1: 400, 2: 500, 3: 300}
    assert reading.max_apparent_power_today is not None
    assert reading.max_apparent_power_today.value == 5706
    assert reading.max_apparent_power_yesterday is not None
    assert reading.max_apparent_power_yesterday.value == 5661
    assert reading.phase_max_apparent_power_today[2].value == 2000


def test_pulse_counters_of_older_meters_are_kept() -> None:
    groups = [
        Group("ADCO", "021330000106"),
        Group("GAZ", "0012345"),
        Group("AUTRE", "0000007"),
    ]
    frames, _ = decode(encode_frame(groups, TicMode.HISTORICAL))

    reading = reading_from_frame(frames[0])

    assert reading.pulse_counts == {"gaz": 12345, "autre": 7}
