"""Read horodates and the supplier's tariff texts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.linky_activity.tic.horodate import parse_horodate
from custom_components.linky_activity.tic.tariff import (
    ContractKind,
    TariffPeriod,
    contract_kind,
    standard_period,
)


def test_summer_and_winter_horodates_give_the_right_utc_time() -> None:
    summer = parse_horodate("E170915101601")
    winter = parse_horodate("H191203125805")

    assert summer is not None
    assert winter is not None
    assert summer.moment == datetime(2017, 9, 15, 8, 16, 1, tzinfo=UTC)
    assert winter.moment == datetime(2019, 12, 3, 11, 58, 5, tzinfo=UTC)
    assert (summer.season, winter.season) == ("E", "H")


def test_lower_case_season_means_the_meter_clock_is_degraded() -> None:
    horodate = parse_horodate("h191203125805")

    assert horodate is not None
    assert horodate.clock_degraded
    assert horodate.season == "H"


@pytest.mark.parametrize(
    "value", ["H190230125805", "H191203245805", "X191203125805", "H1912031258", ""]
)
def test_impossible_horodates_decode_to_none(value: str) -> None:
    assert parse_horodate(value) is None


@pytest.mark.parametrize(
    ("ltarf", "period"),
    [
        (" HEURE  CREUSE  ", TariffPeriod.OFF_PEAK),
        (" HEURE  PLEINE  ", TariffPeriod.PEAK),
        ("    HC  BLEU    ", TariffPeriod.OFF_PEAK),
        ("HP  BLEU", TariffPeriod.PEAK),
        ("      BASE      ", TariffPeriod.ALL_HOURS),
        ("INDEX INACTIF 2 ", None),
    ],
)
def test_supplier_period_labels_map_to_tariff_periods(
    ltarf: str, period: TariffPeriod | None
) -> None:
    assert standard_period(ltarf) is period


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("BASE", ContractKind.BASE),
        ("HC..", ContractKind.OFF_PEAK),
        ("EJP.", ContractKind.EJP),
        ("BBR(", ContractKind.TEMPO),
        ("     TEMPO      ", ContractKind.TEMPO),
        ("H PLEINE/CREUSE ", ContractKind.OFF_PEAK),
        (" HC et Week-End ", ContractKind.OFF_PEAK),
        ("SUPPLIER OFFER", None),
    ],
)
def test_contract_names_map_to_contract_families(
    name: str, kind: ContractKind | None
) -> None:
    assert contract_kind(name) is kind
