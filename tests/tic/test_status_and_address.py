"""Decode the status register and the meter address as the specification says."""

from __future__ import annotations

from datetime import date

import pytest

from custom_components.linky_activity.tic.address import decode_address
from custom_components.linky_activity.tic.frame import TicMode
from custom_components.linky_activity.tic.status import (
    BreakerState,
    EuridisState,
    PowerLineStatus,
    decode_status,
)
from custom_components.linky_activity.tic.tariff import TempoColour


def test_producer_meter_status_register_from_a_real_capture() -> None:
    status = decode_status("003AC701")

    assert status is not None
    assert status.dry_contact_open
    assert status.breaker is BreakerState.CLOSED
    assert not status.terminal_cover_open
    assert status.producer
    assert status.active_energy_negative
    assert status.supplier_index == 2
    assert status.distributor_index == 4
    assert not status.clock_degraded
    assert status.tic_mode is TicMode.STANDARD
    assert status.euridis is EuridisState.ENABLED_WITH_SECURITY
    assert status.power_line_status is PowerLineStatus.NEW_LOCKED
    assert not status.power_line_synchronised
    assert status.tempo_today is None
    assert status.mobile_peak == 0


def test_tempo_meter_status_register_from_a_real_capture() -> None:
    # This STGE came with LTARF "HC  BLANC", NTARF 03 and a DPM1/FPM1 window.
    status = decode_status("463A0800")

    assert status is not None
    assert status.tempo_today is TempoColour.WHITE
    assert status.tempo_tomorrow is TempoColour.BLUE
    assert status.mobile_peak == 1
    assert status.mobile_peak_notice == 0
    assert status.supplier_index == 3
    assert status.distributor_index == 1


@pytest.mark.parametrize(
    ("bit", "field"),
    [
        (0, "dry_contact_open"),
        (4, "terminal_cover_open"),
        (6, "overvoltage"),
        (7, "above_reference_power"),
        (8, "producer"),
        (9, "active_energy_negative"),
        (16, "clock_degraded"),
        (23, "power_line_synchronised"),
    ],
)
def test_each_single_bit_flag_sits_where_the_specification_puts_it(
    bit: int, field: str
) -> None:
    status = decode_status(f"{1 << bit:08X}")

    assert status is not None
    flags = {
        name: getattr(status, name)
        for name in (
            "dry_contact_open",
            "terminal_cover_open",
            "overvoltage",
            "above_reference_power",
            "producer",
            "active_energy_negative",
            "clock_degraded",
            "power_line_synchronised",
        )
    }
    assert [name for name, value in flags.items() if value] == [field]


def test_multi_bit_fields_are_read_at_their_positions() -> None:
    status = decode_status(f"{(3 << 1) | (9 << 10) | (2 << 14) | (3 << 28):08X}")

    assert status is not None
    assert status.breaker is BreakerState.OPEN_LOAD_SHEDDING
    assert status.supplier_index == 10
    assert status.distributor_index == 3
    assert status.mobile_peak_notice == 3


@pytest.mark.parametrize("value", ["", "0013A00", "0013A0000", "0013A00G", "0x13A000"])
def test_malformed_status_register_decodes_to_none(value: str) -> None:
    assert decode_status(value) is None


def test_address_of_a_real_meter_gives_manufacturer_year_and_type() -> None:
    address = decode_address("031664000108")

    assert address is not None
    assert address.manufacturer_code == "03"
    assert address.manufacturer is not None
    assert "Itron" in address.manufacturer
    assert address.year == 2016
    assert address.meter_type_code == "64"
    assert (
        address.meter_type == "Linky single-phase 60 A, G3 roll-out, low-power supply"
    )


def test_address_never_holds_the_serial_number() -> None:
    address = decode_address("031664000108")

    assert "000108" not in repr(address)


def test_unknown_manufacturer_and_type_codes_decode_to_none_names() -> None:
    address = decode_address("991299000001")

    assert address is not None
    assert address.manufacturer is None
    assert address.meter_type is None


def test_two_digit_year_is_taken_in_the_past() -> None:
    assert decode_address("029861000101", today=date(2025, 1, 1)).year == 1998  # type: ignore[union-attr]
    assert decode_address("022661000101", today=date(2025, 1, 1)).year == 2026  # type: ignore[union-attr]
    assert decode_address("022761000101", today=date(2025, 1, 1)).year == 1927  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["12345678900", "XXXXXXXXXXXX", "0316640001080"])
def test_address_that_is_not_twelve_digits_decodes_to_none(value: str) -> None:
    assert decode_address(value) is None
