"""Specify the folder scanner on a tree holding every layout at once."""

from __future__ import annotations

from pathlib import Path
import shutil

import pytest

from training.datasets.errors import DatasetError
from training.datasets.scan import load_all, read, scan, unrecognised

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"


@pytest.fixture(name="tree")
def fixture_tree(tmp_path: Path) -> Path:
    """Copy every dataset fixture under one folder, as a user's download folder."""
    root = tmp_path / "downloads"
    shutil.copytree(FIXTURES, root)
    (root / "notes").mkdir()
    (root / "notes" / "todo.csv").write_text("a,b\n1,2\n")
    return root


def test_scan_finds_every_layout_in_a_mixed_tree(tree: Path) -> None:
    hits = scan(tree)

    assert [(hit.dataset, hit.house) for hit in hits] == [
        ("refit", "House_2"),
        ("refit", "House_2"),
        ("refit", "House_12"),
        ("uci", "Sceaux"),
        ("redd", "house_1"),
        ("ukdale", "house_1"),
        ("ampds2", "AMPds2"),
        ("eco", "01"),
        ("eco", "unidentified"),
        ("rae", "house1"),
        ("hue", "Residential_1"),
        ("generic", "flat_power"),
        ("ha_history", "history"),
    ]
    uci = next(hit for hit in hits if hit.dataset == "uci")
    assert len(uci.files) == 2
    eco = next(hit for hit in hits if hit.house == "01")
    assert len(eco.files) == 4


def test_scan_leaves_unknown_files_alone_and_reports_them(tree: Path) -> None:
    hits = scan(tree)

    assert sorted(path.name for path in unrecognised(tree, hits)) == [
        "README.md",
        "todo.csv",
    ]


def test_every_hit_reads_into_a_recording_of_its_house(tree: Path) -> None:
    for hit in scan(tree):
        recording = read(hit)
        assert recording.dataset == hit.dataset
        assert recording.house == hit.house
        assert recording.timestamps_s.size > 0


def test_load_all_yields_one_recording_a_hit(tree: Path) -> None:
    recordings = list(load_all(tree / "refit"))

    assert [r.house for r in recordings] == ["House_2", "House_12"]


def test_scan_of_a_single_file_finds_that_file(tree: Path) -> None:
    hits = scan(tree / "hue" / "Residential_1.csv")

    assert [(hit.dataset, hit.house) for hit in hits] == [("hue", "Residential_1")]


def test_scan_of_a_missing_folder_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="folder not found"):
        scan(tmp_path / "nowhere")


def test_redd_folder_with_a_label_but_no_channel_file_is_refused(tree: Path) -> None:
    house = tree / "redd_layout_example" / "low_freq" / "house_1"
    (house / "channel_8.dat").unlink()
    hit = next(hit for hit in scan(tree) if hit.dataset == "redd")

    with pytest.raises(DatasetError, match="file not found") as caught:
        read(hit)
    assert caught.value.path == house / "channel_8.dat"
