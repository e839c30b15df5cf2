"""Specify the dataset readers on real slices and documented-layout examples."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
import shutil
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from training.appliances import ApplianceClass, ApplianceKind
from training.datasets.ampds2 import read_ampds2
from training.datasets.channel_files import REDD, UKDALE, read_channel_folder
from training.datasets.eco import group_files, read_eco
from training.datasets.errors import DatasetError
from training.datasets.generic_csv import read_generic_csv
from training.datasets.ha_history import read_ha_history
from training.datasets.hue import read_hue
from training.datasets.rae import read_rae
from training.datasets.refit import read_refit
from training.datasets.uci import read_uci, read_uci_copies

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"
REFIT_2 = FIXTURES / "refit" / "House_2.csv"
UCI_CRLF = FIXTURES / "uci_household_power" / "household_power_consumption.txt"
UCI_LF = (
    FIXTURES
    / "uci_household_power"
    / "2006-12-27_2007-01-13"
    / "household_power_consumption.txt"
)


def lines_of(path: Path) -> list[str]:
    """Return a file's lines without their endings."""
    return path.read_text().splitlines()


def utc(text: str, zone: str) -> float:
    """Return the epoch seconds of a local wall-clock time in a zone."""
    naive = datetime.fromisoformat(text)
    return naive.replace(tzinfo=ZoneInfo(zone)).timestamp()


# REFIT


def test_refit_raw_house_reads_every_row_with_the_readme_appliance_names() -> None:
    recording = read_refit(REFIT_2)
    lines = lines_of(REFIT_2)

    assert recording.dataset == "refit"
    assert recording.house == "House_2"
    assert recording.timezone == "Europe/London"
    assert recording.timestamps_s.size == len(lines) - 1
    assert [channel.name for channel in recording.channels] == [
        "Fridge-Freezer",
        "Washing Machine",
        "Dishwasher",
        "Television Site",
        "Microwave",
        "Toaster",
        "Hi-Fi",
        "Kettle",
        "Overhead Fan",
    ]
    kettle = recording.channel("Kettle")
    assert kettle.kind is ApplianceKind.KETTLE
    assert kettle.appliance_class is ApplianceClass.ACTIVITY
    assert recording.channel("Fridge-Freezer").appliance_class is (
        ApplianceClass.BACKGROUND
    )


@pytest.mark.parametrize("line_index", [1, 2, 5000, -1])
def test_refit_values_match_the_file_line(line_index: int) -> None:
    recording = read_refit(REFIT_2)
    lines = lines_of(REFIT_2)
    fields = lines[line_index].split(",")
    row = line_index - 1 if line_index > 0 else line_index

    assert recording.timestamps_s[row] == float(fields[1])
    assert recording.aggregate_w is not None
    assert recording.aggregate_w[row] == float(fields[2])
    assert [channel.power_w[row] for channel in recording.channels] == [
        float(value) for value in fields[3:12]
    ]


def test_refit_cleaned_file_masks_the_aggregate_of_rows_flagged_as_issues() -> None:
    path = FIXTURES / "refit_clean_layout_example" / "CLEAN_House2.csv"
    recording = read_refit(path)
    rows = [line.split(",") for line in lines_of(path)[1:]]
    flagged = np.array([row[-1] == "1" for row in rows])

    assert recording.house == "House_2"
    assert flagged.any()
    assert recording.aggregate_w is not None
    assert np.isnan(recording.aggregate_w[flagged]).all()
    assert recording.aggregate_w[~flagged].tolist() == [
        float(row[2]) for row, bad in zip(rows, flagged, strict=True) if not bad
    ]


def write(path: Path, lines: list[str], ending: str = "\n") -> Path:
    """Write lines to a file and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ending.join(lines).encode() + ending.encode())
    return path


def refit_copy(tmp_path: Path, edit: dict[int, str]) -> Path:
    """Copy REFIT House_2's first 100 lines, replacing some (0-based) lines."""
    lines = lines_of(REFIT_2)[:100]
    for index, text in edit.items():
        lines[index] = text
    return write(tmp_path / "House_2.csv", lines)


def test_refit_monitor_spikes_above_4_kw_are_missing_not_kept(tmp_path: Path) -> None:
    fields = lines_of(REFIT_2)[10].split(",")
    fields[2], fields[3], fields[10] = "9000", "83", "6500"
    path = refit_copy(tmp_path, {10: ",".join(fields)})
    recording = read_refit(path)

    assert recording.aggregate_w is not None
    assert recording.aggregate_w[9] == 9000
    assert np.isnan(recording.channel("Kettle").power_w[9])
    assert recording.channel("Fridge-Freezer").power_w[9] == 83


@pytest.mark.parametrize(
    ("edit", "line", "words"),
    [
        ({0: "Time,Unix,Total,A1,A2,A3,A4,A5,A6,A7,A8,A9"}, 1, "unexpected header"),
        ({41: "2015-01-08 00:04:40,1420675480,45x,83,0,0,0,0,0,0,0,0"}, 42, "field 3"),
        ({41: "2015-01-08 00:04:40,1420675480,456,83,0,0,0,0,0,0,0"}, 42, "found 11"),
        ({41: "2015-01-08 00:04:40,1420675480,inf,83,0,0,0,0,0,0,0,0"}, 42, "field 3"),
        ({41: "2015-01-08 00:04:40,1420675480,nan,83,0,0,0,0,0,0,0,0"}, 42, "field 3"),
        (
            {41: "2015-01-08 00:04:40,1420600000,456,83,0,0,0,0,0,0,0,0"},
            42,
            "backwards",
        ),
        ({41: ""}, 42, "blank line"),
    ],
)
def test_refit_bad_input_names_the_file_and_line(
    tmp_path: Path, edit: dict[int, str], line: int, words: str
) -> None:
    path = refit_copy(tmp_path, edit)

    with pytest.raises(DatasetError, match=words) as caught:
        read_refit(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert f"{path}:{line}" in str(caught.value)


def test_refit_missing_file_is_a_dataset_error(tmp_path: Path) -> None:
    path = tmp_path / "House_3.csv"

    with pytest.raises(DatasetError, match="file not found") as caught:
        read_refit(path)
    assert caught.value.path == path


def test_refit_repeated_timestamp_keeps_the_first_reading(tmp_path: Path) -> None:
    lines = lines_of(REFIT_2)[:20]
    repeated = lines[5].split(",")
    repeated[2] = "999"
    lines.insert(6, ",".join(repeated))
    recording = read_refit(write(tmp_path / "House_2.csv", lines))

    assert recording.timestamps_s.size == 19
    assert recording.aggregate_w is not None
    assert 999 not in recording.aggregate_w


# UCI


def test_uci_crlf_slice_masks_question_marks_and_converts_units() -> None:
    recording = read_uci(UCI_CRLF)
    lines = lines_of(UCI_CRLF)
    missing = [n for n, line in enumerate(lines[1:]) if "?" in line]

    assert UCI_CRLF.read_bytes().count(b"\r\n") == len(lines)
    assert len(missing) == 2
    assert recording.aggregate_w is not None
    assert np.isnan(recording.aggregate_w[missing]).all()
    assert all(np.isnan(c.power_w[missing]).all() for c in recording.channels)
    assert np.isnan(recording.aggregate_w).sum() == 2

    fields = lines[1].split(";")
    assert recording.aggregate_w[0] == pytest.approx(float(fields[2]) * 1000)
    assert [c.power_w[0] for c in recording.channels] == [
        pytest.approx(float(value) * 60) for value in fields[6:9]
    ]


def test_uci_clock_is_central_european_standard_time() -> None:
    recording = read_uci(UCI_CRLF)
    first = lines_of(UCI_CRLF)[1].split(";")
    day, month, year = (int(part) for part in first[0].split("/"))
    hour, minute, second = (int(part) for part in first[1].split(":"))
    expected = datetime(year, month, day, hour, minute, second, tzinfo=UTC)

    assert recording.timestamps_s[0] == expected.timestamp() - 3600
    assert recording.timezone == "Europe/Paris"
    assert np.all(np.diff(recording.timestamps_s) == 60)


def test_uci_lf_copy_with_unpadded_dates_reads_like_the_crlf_one() -> None:
    recording = read_uci(UCI_LF)
    lines = lines_of(UCI_LF)

    assert b"\r" not in UCI_LF.read_bytes()
    assert recording.timestamps_s.size == len(lines) - 1
    assert recording.aggregate_w is not None
    assert np.isnan(recording.aggregate_w).sum() == 2


def test_uci_copies_of_one_house_join_into_one_recording_in_time_order() -> None:
    joined = read_uci_copies([UCI_LF, UCI_CRLF])

    assert joined.house == "Sceaux"
    assert joined.timestamps_s.size == (
        len(lines_of(UCI_LF)) + len(lines_of(UCI_CRLF)) - 2
    )
    assert np.all(np.diff(joined.timestamps_s) > 0)
    assert joined.timestamps_s[0] == read_uci(UCI_CRLF).timestamps_s[0]


def test_uci_copies_overlapping_in_time_are_refused() -> None:
    with pytest.raises(DatasetError, match="overlaps"):
        read_uci_copies([UCI_CRLF, UCI_CRLF])


def test_uci_bad_date_names_its_line(tmp_path: Path) -> None:
    lines = lines_of(UCI_LF)[:30]
    lines[12] = lines[12].replace("30/12/2006", "31/13/2006")
    path = write(tmp_path / "household_power_consumption.txt", lines)

    with pytest.raises(DatasetError, match="not a date") as caught:
        read_uci(path)
    assert caught.value.line == 13


# AMPds2, HUE


def test_ampds2_reads_active_power_and_water_and_gas_flows_from_counters() -> None:
    folder = FIXTURES / "ampds2"
    recording = read_ampds2(sorted(folder.glob("*.csv")))
    electric = [line.split(",") for line in lines_of(folder / "Electricity_B1E.csv")]
    water = [line.split(",") for line in lines_of(folder / "Water_WHW.csv")]

    assert recording.aggregate_w is None
    assert recording.timezone == "America/Vancouver"
    bedroom = recording.channels[0]
    assert bedroom.name.startswith("B1E")
    assert bedroom.appliance_class is ApplianceClass.AMBIGUOUS
    assert recording.timestamps_s.tolist() == [float(row[0]) for row in electric[1:]]
    assert bedroom.power_w.tolist() == [float(row[6]) for row in electric[1:]]

    flow = next(f for f in recording.flows if f.name == "Water_WHW")
    assert flow.unit == "L"
    litres = float(water[-1][1]) - float(water[1][1])
    assert np.nansum(flow.rate_per_min) == pytest.approx(litres)


def test_hue_hours_become_average_watts_at_local_wall_clock_hours() -> None:
    path = FIXTURES / "hue" / "Residential_1.csv"
    recording = read_hue(path)
    first = lines_of(path)[1].split(",")

    assert recording.house == "Residential_1"
    assert recording.timestamps_s[0] == utc("2012-06-02T00:00:00", "America/Vancouver")
    assert recording.aggregate_w is not None
    assert recording.aggregate_w[0] == pytest.approx(float(first[2]) * 1000)
    assert np.all(np.diff(recording.timestamps_s) == 3600)


def test_hue_dst_days_drop_the_skipped_hour_and_keep_both_repeated_ones(
    tmp_path: Path,
) -> None:
    lines = ["date,hour,energy_kWh"]
    lines += [f"3/11/2012,{hour},0.5" for hour in range(4)]
    lines += [
        "11/4/2012,0,0.4",
        "11/4/2012,1,0.6",
        "11/4/2012,1,0.7",
        "11/4/2012,2,0.3",
    ]
    recording = read_hue(write(tmp_path / "Residential_9.csv", lines))

    spring = recording.timestamps_s[:3]
    assert spring.tolist() == [
        utc("2012-03-11T00:00", "America/Vancouver"),
        utc("2012-03-11T01:00", "America/Vancouver"),
        utc("2012-03-11T03:00", "America/Vancouver"),
    ]
    autumn = recording.timestamps_s[3:]
    assert np.all(np.diff(autumn) == 3600)
    assert recording.aggregate_w is not None
    assert recording.aggregate_w[3:].tolist() == pytest.approx([400, 600, 700, 300])


# ECO


def test_eco_real_plug_day_averages_seconds_from_local_midnight() -> None:
    path = FIXTURES / "eco" / "unidentified_plugs_csv" / "2012-06-01.csv"
    households = group_files([path])
    recording = read_eco(households["unidentified"])
    seconds = [float(line) for line in lines_of(path)]

    assert recording.aggregate_w is None
    plug = recording.channels[0]
    assert plug.appliance_class is ApplianceClass.AMBIGUOUS
    assert recording.timestamps_s[0] == utc("2012-06-01T00:00", "Europe/Zurich")
    assert plug.power_w[0] == pytest.approx(np.mean(seconds[:6]))
    assert plug.power_w[1] == pytest.approx(np.mean(seconds[6:12]))
    assert np.isnan(plug.power_w[len(seconds) // 6 :]).all()


def test_eco_layout_reads_smart_meter_plugs_and_occupancy() -> None:
    folder = FIXTURES / "eco_layout_example"
    households = group_files(sorted(folder.rglob("*.csv")))
    recording = read_eco(households["01"])
    sm_day = folder / "01_sm_csv" / "01" / "2012-07-02.csv"
    sm = [line.split(",") for line in lines_of(sm_day)]

    assert recording.house == "01"
    assert recording.timestamps_s[0] == utc("2012-07-02T00:00", "Europe/Zurich")
    assert recording.aggregate_w is not None
    assert recording.aggregate_w[0] == pytest.approx(
        np.mean([float(row[0]) for row in sm[:6]])
    )
    # Rows 300-305 hold -1 in every field: that whole 6 s slot is missing.
    assert np.isnan(recording.aggregate_w[50])
    assert not np.isnan(recording.aggregate_w[49])

    names = {channel.name: channel for channel in recording.channels}
    assert set(names) == {"01 Fridge", "04 Kettle"}
    assert names["04 Kettle"].kind is ApplianceKind.KETTLE
    assert names["04 Kettle"].power_w[100] == pytest.approx(2150.8)

    assert recording.occupancy is not None
    local_hour = (recording.timestamps_s - recording.timestamps_s[0]) / 3600
    assert np.all(recording.occupancy[local_hour < 7] == 0)
    assert np.all(recording.occupancy[(local_hour >= 7) & (local_hour < 23)] == 1)


def test_eco_day_file_with_more_than_a_day_of_rows_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "02_plugs_csv" / "02" / "01" / "2012-06-01.csv",
        ["1.0"] * 86_401,
    )
    with pytest.raises(DatasetError, match="more than 86400 rows") as caught:
        read_eco(group_files([path])["02"])
    assert caught.value.line == 86_401


# REDD, UK-DALE, RAE


def test_redd_layout_sums_both_mains_legs_and_holds_circuits_on_their_clock() -> None:
    folder = FIXTURES / "redd_layout_example" / "low_freq" / "house_1"
    recording = read_channel_folder(folder, REDD)
    leg1 = [line.split() for line in lines_of(folder / "channel_1.dat")]
    leg2 = [line.split() for line in lines_of(folder / "channel_2.dat")]
    oven = [line.split() for line in lines_of(folder / "channel_8.dat")]

    assert recording.dataset == "redd"
    assert recording.house == "house_1"
    assert recording.timestamps_s.tolist() == [float(row[0]) for row in leg1]
    assert recording.aggregate_w is not None
    assert recording.aggregate_w[10] == pytest.approx(
        float(leg1[10][1]) + float(leg2[10][1])
    )
    microwave = recording.channel("8 microwave")
    assert microwave.kind is ApplianceKind.MICROWAVE
    reading_time, reading = float(oven[40][0]), float(oven[40][1])
    index = int(np.searchsorted(recording.timestamps_s, reading_time))
    assert microwave.power_w[index] == reading
    assert np.isnan(microwave.power_w[0])
    assert recording.channel("6 kitchen_outlets").appliance_class is (
        ApplianceClass.AMBIGUOUS
    )


def test_ukdale_layout_marks_a_monitor_dropout_missing_after_half_a_minute() -> None:
    folder = FIXTURES / "ukdale_layout_example" / "house_1"
    recording = read_channel_folder(folder, UKDALE)
    mains = [line.split() for line in lines_of(folder / "channel_1.dat")]

    assert recording.dataset == "ukdale"
    assert recording.aggregate_w is not None
    assert recording.aggregate_w.tolist() == [float(row[1]) for row in mains]
    television = recording.channel("7 tv").power_w
    gap = np.isnan(television)
    # Readings 100-109 are lost: the last one held covers 30 s, then NaN.
    assert gap[105:110].all()
    # The monitor's first reading comes a second after the mains' first.
    assert gap[0]
    assert not gap[1:104].any()
    assert not gap[111:].any()
    assert np.nanmax(recording.channel("10 kettle").power_w) == 2900


def test_rae_layout_sums_paired_legs_and_masks_lost_rows() -> None:
    path = FIXTURES / "rae_layout_example" / "house1_power_blk1.csv"
    recording = read_rae([path])
    rows = [line.split(",") for line in lines_of(path)[1:]]

    assert recording.house == "house1"
    assert recording.aggregate_w is not None
    assert recording.aggregate_w[0] == float(rows[0][2])
    oven = recording.channel("sub1+sub2 Kitchen wall oven")
    assert oven.kind is ApplianceKind.OVEN
    assert oven.power_w[150] == float(rows[150][3]) + float(rows[150][4])
    assert np.isnan(recording.aggregate_w[200:203]).all()
    assert np.isnan(oven.power_w[200:203]).all()
    assert np.count_nonzero(np.isnan(recording.aggregate_w)) == 3


def test_rae_header_with_a_wrong_name_is_refused(tmp_path: Path) -> None:
    source = FIXTURES / "rae_layout_example" / "house1_power_blk1.csv"
    lines = lines_of(source)[:5]
    lines[0] = lines[0].replace("sub7", "sub07")
    path = write(tmp_path / "house1_power_blk1.csv", lines)

    with pytest.raises(DatasetError, match="unexpected header") as caught:
        read_rae([path])
    assert caught.value.line == 1


# Home Assistant history, generic CSV


def test_ha_history_picks_the_power_entity_and_masks_unavailable() -> None:
    path = FIXTURES / "ha_history_layout_example" / "history.csv"
    recording = read_ha_history(path)
    rows = [line.split(",") for line in lines_of(path)[1:] if "linky_papp" in line]

    assert recording.house == "history"
    assert recording.timestamps_s.size == len(rows)
    assert recording.timestamps_s[0] == datetime.fromisoformat(rows[0][2]).timestamp()
    assert recording.aggregate_w is not None
    unavailable = [n for n, row in enumerate(rows) if row[1] == "unavailable"]
    assert np.isnan(recording.aggregate_w[unavailable]).all()
    assert np.count_nonzero(np.isnan(recording.aggregate_w)) == len(unavailable)


def test_ha_history_reads_a_named_entity_and_refuses_an_absent_one() -> None:
    path = FIXTURES / "ha_history_layout_example" / "history.csv"
    temperature = read_ha_history(path, entity_id="sensor.outdoor_temperature")

    assert temperature.timestamps_s.size == 5
    with pytest.raises(DatasetError, match="no entity"):
        read_ha_history(path, entity_id="sensor.nothing")


def test_generic_csv_reads_epoch_and_iso_timestamps(tmp_path: Path) -> None:
    epoch = read_generic_csv(FIXTURES / "generic_layout_example" / "flat_power.csv")

    assert epoch.timestamps_s[0] == 1705294800
    assert epoch.aggregate_w is not None
    assert np.isnan(epoch.aggregate_w[150])
    assert epoch.max_hold_s == 10

    iso = write(
        tmp_path / "log.csv",
        ["timestamp,power", "2024-01-15T06:00:00,300", "2024-01-15T06:00:02,2300"],
    )
    recording = read_generic_csv(iso, timezone="Europe/Paris")
    assert recording.timestamps_s[0] == utc("2024-01-15T06:00:00", "Europe/Paris")


def test_generic_csv_bad_number_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "log.csv", ["timestamp,power", "1,300", "3,3OO"])

    with pytest.raises(DatasetError, match="field 2") as caught:
        read_generic_csv(path)
    assert caught.value.line == 3


def test_a_folder_given_as_a_file_is_a_dataset_error(tmp_path: Path) -> None:
    folder = tmp_path / "House_2.csv"
    folder.mkdir()
    shutil.copy(REFIT_2, folder / "inside.csv")

    with pytest.raises(DatasetError, match="folder"):
        read_refit(folder)
