"""Specify `linky-activity datasets`, the listing of what a folder holds."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
from typing import TYPE_CHECKING

from training.cli import main

if TYPE_CHECKING:
    import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"


def test_datasets_lists_houses_with_channels_labels_and_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "refit", tmp_path / "refit")
    shutil.copytree(FIXTURES / "hue", tmp_path / "hue")

    assert main(["datasets", str(tmp_path)]) == 0
    out = capsys.readouterr().out

    assert "refit House_2 (1 file(s)): 1.0 days of data, a sample every 7 s" in out
    assert "Kettle (activity)" in out
    assert "Fridge-Freezer (background)" in out
    assert "labelled as Kettle: Computer Site on 1 day(s)" in out
    assert "labelled as Computer Site: Kettle on 1 day(s)" in out
    assert "hue Residential_1" in out
    assert "labels: none (no activity appliance metered)" in out


def test_datasets_json_is_one_document_per_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "refit", tmp_path / "refit")

    assert main(["datasets", "--json", str(tmp_path / "refit")]) == 0
    document = json.loads(capsys.readouterr().out)

    houses = {house["house"]: house for house in document["houses"]}
    assert set(houses) == {"House_2", "House_12"}
    house_2 = houses["House_2"]
    assert house_2["aggregate"] is True
    assert house_2["labels"]["episodes"] >= 5
    assert 0 < house_2["labels"]["active_share"] < 0.2
    kettle = next(c for c in house_2["channels"] if c["name"] == "Kettle")
    assert kettle == {"name": "Kettle", "kind": "kettle", "class": "activity"}
    assert [flag["channel"] for flag in houses["House_12"]["flags"]] == [
        "Computer Site",
        "Kettle",
    ]


def test_datasets_on_a_missing_folder_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["datasets", str(tmp_path / "none")]) == 2
    assert "folder not found" in capsys.readouterr().err


def test_datasets_on_a_folder_without_datasets_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("nothing here\n")

    assert main(["datasets", str(tmp_path)]) == 2
    assert "no known dataset layout" in capsys.readouterr().err


def test_datasets_names_the_bad_line_of_a_broken_file_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "refit", tmp_path / "refit")
    broken = tmp_path / "refit" / "House_2.csv"
    lines = broken.read_text().splitlines()
    lines[99] = lines[99].replace(",", ";", 2)
    broken.write_text("\n".join(lines) + "\n")

    assert main(["datasets", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"error: {broken}:100: expected 12 fields" in out
    assert "refit House_12 (1 file(s)): 1.0 days of data" in out
