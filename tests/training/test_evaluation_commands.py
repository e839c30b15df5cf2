"""Specify `linky-activity train` and `evaluate` end to end on real dataset slices."""

from __future__ import annotations

import contextlib
from dataclasses import replace
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from custom_components.linky_activity.activity.model import load_model
from training.cli import main
from training.evaluate import evaluate
from training.pipeline import prepare_folder

if TYPE_CHECKING:
    from training.results import Evaluation

FIXTURES = Path(__file__).parent.parent / "fixtures" / "datasets"
# Morning hours of two REFIT days (UTC = UK time in January): both houses
# boil a kettle or use the microwave in them.
REFIT_HOURS = (6 * 3600, 14 * 3600)
REFIT_DAY_S = 1420675200
FIGURE_KEYS = {"precision", "recall", "f1", "mcc", "auprc", "delay_median_s"}


def _copy_refit_morning(name: str, target: Path) -> None:
    """Copy the header and the morning's whole lines of a REFIT fixture day."""
    lines = (FIXTURES / "refit" / name).read_text().splitlines(keepends=True)
    begin, end = (REFIT_DAY_S + offset for offset in REFIT_HOURS)
    kept = [line for line in lines[1:] if begin <= int(line.split(",")[1]) < end]
    target.write_text(lines[0] + "".join(kept))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder of real slices: two REFIT mornings and the French house."""
    folder = tmp_path_factory.mktemp("data")
    (folder / "refit").mkdir()
    for name in ("House_2.csv", "House_12.csv"):
        _copy_refit_morning(name, folder / "refit" / name)
    uci = folder / "uci_household_power"
    source = FIXTURES / "uci_household_power"
    (uci / "2006-12-27_2007-01-13").mkdir(parents=True)
    for part in (
        "household_power_consumption.txt",
        "2006-12-27_2007-01-13/household_power_consumption.txt",
    ):
        (uci / part).write_bytes((source / part).read_bytes())
    return folder


@pytest.fixture(scope="module")
def trained(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train once on the slices and return the model file."""
    out = tmp_path_factory.mktemp("model") / "activity_model.json"
    assert main(["train", "--data", str(data), "--out", str(out)]) == 0
    return out


def test_train_writes_a_model_the_integration_loads_with_its_card(
    trained: Path, data: Path
) -> None:
    model = load_model(trained)

    card = model.card
    assert trained.stat().st_size < 100 * 1024
    assert card["training_command"] == (
        f"linky-activity train --data {data} --out {trained}"
    )
    assert card["data"]["refit"]["houses"] == ["House_12", "House_2"]
    assert card["data"]["uci"]["houses"] == ["Sceaux"]
    houses = card["evaluation"]["1min"]["houses_f1_mcc"]
    assert set(houses) == {"refit/House_12", "refit/House_2", "uci/Sceaux"}
    assert set(houses["refit/House_2"]) >= {"model", "baseload_threshold", "daytime"}
    # The date is the last recorded day, so a rebuild tomorrow is identical.
    assert model.created == "2015-01-08"
    written = (trained.parent / "MODEL_CARD.md").read_text()
    assert "refit/House_2" in written
    assert card["training_command"] in written


def test_the_card_names_the_gaps_to_a_baseline_beyond_chance(trained: Path) -> None:
    card = load_model(trained).card
    written = (trained.parent / "MODEL_CARD.md").read_text()
    firm = 0
    for resolution in ("1min", "30min"):
        significance = card["evaluation"][resolution]["significance"]
        assert significance["houses"] == 3
        behind = significance["behind"]
        firm += len(behind)
        assert len(behind) == significance["behind_a_baseline"]
        assert set(behind) <= {"refit/House_12", "refit/House_2", "uci/Sceaux"}
        for house, names in behind.items():
            assert all(name.endswith(("(F1)", "(MCC)", "(F1, MCC)")) for name in names)
            assert f"- {house}: behind {', '.join(names)}" in written
        assert (
            f"on {significance['behind_a_baseline']} of 3 houses; significantly "
            f"ahead of every baseline on {significance['ahead_of_every_baseline']}"
        ) in written
    # These short slices leave the model firmly behind somewhere: the card
    # must say where rather than hide it.
    assert firm >= 1


def test_the_same_command_on_the_same_data_writes_the_same_bytes(
    trained: Path, data: Path, tmp_path: Path
) -> None:
    again = tmp_path / "activity_model.json"
    assert main(["train", "--data", str(data), "--out", str(again)]) == 0

    # Only the output path in the recorded command differs.
    first = json.loads(trained.read_text())
    second = json.loads(again.read_text())
    first["card"].pop("training_command")
    second["card"].pop("training_command")
    assert first == second
    assert (
        trained.read_bytes().replace(str(trained).encode(), str(again).encode())
        == again.read_bytes()
    )


@pytest.fixture(scope="module")
def evaluated(data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Evaluate once on the slices; return the report folder and what was printed."""
    report = tmp_path_factory.mktemp("evaluation") / "report"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["evaluate", "--data", str(data), "--report", str(report)])
    assert code == 0
    return report, printed.getvalue()


def test_evaluate_writes_metrics_report_and_plots(evaluated: tuple[Path, str]) -> None:
    report, printed = evaluated

    metrics = json.loads((report / "metrics.json").read_text())
    entries = {(e["dataset"], e["house"], e["resolution"]) for e in metrics["houses"]}
    assert entries == {
        (dataset, house, resolution)
        for dataset, house in (
            ("refit", "House_12"),
            ("refit", "House_2"),
            ("uci", "Sceaux"),
        )
        for resolution in ("1min", "30min")
    }
    for entry in metrics["houses"]:
        assert set(entry["model"]) >= FIGURE_KEYS
        # At one minute the activity sensor's own state is scored too.
        assert ("model_runtime" in entry) == (entry["resolution"] == "1min")
        assert {"baseload_threshold", "night_max", "daytime"} <= set(entry["baselines"])
        for figures in entry["baselines"].values():
            assert set(figures) >= FIGURE_KEYS
    assert set(metrics["summary"]["1min"]["macro"]["model"]) >= FIGURE_KEYS

    markdown = (report / "report.md").read_text()
    assert "| refit/House_2 |" in markdown
    assert "What the labels miss" in markdown
    for png in ("pr_curves.png", "per_house_1min.png", "per_house_30min.png"):
        content = (report / png).read_bytes()
        assert content.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(content) > 10_000
    assert list(report.glob("timeline_*.png"))

    assert "refit/House_2" in printed
    assert "baseload_threshold F1" in printed


def test_evaluate_tells_each_gap_to_a_baseline_from_chance(
    evaluated: tuple[Path, str],
) -> None:
    report, _ = evaluated

    metrics = json.loads((report / "metrics.json").read_text())
    verdicts = {"ahead", "level", "behind", "undefined"}
    for entry in metrics["houses"]:
        assert set(entry["versus"]) == set(entry["baselines"])
        for gaps in entry["versus"].values():
            for figure in ("f1", "mcc"):
                gap = gaps[figure]
                assert gap["verdict"] in verdicts
                if gap["verdict"] != "undefined":
                    assert gap["low"] <= gap["difference"] <= gap["high"]
    markdown = (report / "report.md").read_text()
    for resolution in ("1min", "30min"):
        summary = metrics["summary"][resolution]
        houses = [e for e in metrics["houses"] if e["resolution"] == resolution]
        for name, per_figure in summary["versus"].items():
            for figure, counts in per_figure.items():
                assert set(counts) == verdicts
                assert counts["behind"] == sum(
                    e["versus"][name][figure]["verdict"] == "behind" for e in houses
                )
                assert sum(counts.values()) == len(houses)
        tally = summary["significance"]
        assert tally["houses"] == len(houses)
        assert (
            f"Significantly behind a baseline on {tally['behind_a_baseline']} of "
            f"{len(houses)} houses; significantly ahead of every baseline on "
            f"{tally['ahead_of_every_baseline']}."
        ) in markdown
    assert "paired block bootstrap" in markdown


def test_evaluate_scores_a_given_model_file(
    data: Path, trained: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report"

    assert (
        main(
            [
                "evaluate",
                "--data",
                str(data),
                "--model",
                str(trained),
                "--report",
                str(report),
            ]
        )
        == 0
    )

    metrics = json.loads((report / "metrics.json").read_text())
    assert "fixed model" in metrics["summary"]["protocol"]


def test_a_missing_data_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"

    code = main(["train", "--data", str(missing), "--out", str(tmp_path / "m.json")])

    assert code == 2
    assert f"data folder {missing} does not exist" in capsys.readouterr().err


def test_a_folder_without_labelled_houses_says_what_it_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "hue").mkdir()
    hue = FIXTURES / "hue" / "Residential_1.csv"
    (tmp_path / "hue" / "Residential_1.csv").write_bytes(hue.read_bytes())

    code = main(["evaluate", "--data", str(tmp_path), "--report", str(tmp_path / "r")])

    assert code == 2
    error = capsys.readouterr().err
    assert "no labelled house" in error
    assert "hue/Residential_1 (no activity appliance to label from)" in error


def test_a_malformed_dataset_line_is_reported_with_file_and_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "refit").mkdir()
    broken = tmp_path / "refit" / "House_2.csv"
    lines = (data / "refit" / "House_2.csv").read_text().splitlines(keepends=True)
    lines[5] = "2015-01-08 06:00:40,1420696840,oops,1,2,3,4,5,6,7,8,9\n"
    broken.write_text("".join(lines))

    code = main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.json")])

    assert code == 2
    assert f"{broken}:6" in capsys.readouterr().err


def test_a_broken_model_file_is_refused_before_any_work(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "model.json"
    broken.write_text('{"format": "something else"}')

    code = main(
        [
            "evaluate",
            "--data",
            str(data),
            "--model",
            str(broken),
            "--report",
            str(tmp_path / "r"),
        ]
    )

    assert code == 2
    assert f"{broken}: not a model file" in capsys.readouterr().err


def test_a_house_is_never_scored_by_a_model_that_saw_its_labels(data: Path) -> None:
    houses = prepare_folder(data, seed=0)
    flipped = [
        replace(
            house,
            training={
                resolution: tuple(
                    replace(table, labels=~table.labels) for table in tables
                )
                for resolution, tables in house.training.items()
            },
        )
        if house.key == "refit/House_2"
        else house
        for house in houses
    ]

    plain = evaluate(houses, kinds=("logistic",), progress=False)
    changed = evaluate(flipped, kinds=("logistic",), progress=False)

    def scores(evaluation: Evaluation, key: str) -> np.ndarray:
        (house,) = [h for h in evaluation.at("1min") if h.table.key == key]
        return house.model.scores

    # House 2's own scores come from models fitted without it...
    assert np.array_equal(
        scores(plain, "refit/House_2"), scores(changed, "refit/House_2")
    )
    # ...while the other houses' models learned from its (now inverted) labels.
    assert not np.array_equal(
        scores(plain, "uci/Sceaux"), scores(changed, "uci/Sceaux")
    )
