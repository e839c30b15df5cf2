"""Check, on generated input, that readers fail only with a DatasetError."""

from __future__ import annotations

from pathlib import Path
import tempfile
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np

from training.datasets.errors import DatasetError
from training.datasets.refit import RAW_HEADER, read_refit
from training.datasets.uci import HEADER as UCI_HEADER, read_uci

if TYPE_CHECKING:
    from collections.abc import Callable

    from training.datasets.recording import HouseRecording


def attempt(
    read: Callable[[], HouseRecording],
) -> tuple[HouseRecording | None, DatasetError | None]:
    """Run a reader, returning its recording or the DatasetError it raised."""
    try:
        return read(), None
    except DatasetError as err:
        return None, err


NUMBER = st.integers(min_value=0, max_value=99_999).map(str)
JUNK = st.text(
    alphabet=st.sampled_from(list("0123456789,.;-+eE naNifI?x\t\r")), max_size=12
)


@st.composite
def refit_lines(draw: st.DrawFn) -> tuple[list[str], bool]:
    """Draw REFIT data lines, some of them mutated; say if all are well formed."""
    count = draw(st.integers(min_value=1, max_value=12))
    lines: list[str] = []
    clean = True
    for index in range(count):
        values = [draw(NUMBER) for _ in range(10)]
        fields = ["2015-01-08 00:00:00", str(1_420_675_200 + 8 * index), *values]
        if draw(st.booleans()) and draw(st.booleans()):
            column = draw(st.integers(min_value=1, max_value=len(fields) - 1))
            fields[column] = draw(JUNK)
            clean = False
        lines.append(",".join(fields))
    return lines, clean


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(refit_lines())
def test_refit_reader_raises_only_dataset_errors_and_never_invents_nan(
    drawn: tuple[list[str], bool],
) -> None:
    lines, clean = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "House_5.csv"
        path.write_text(",".join(RAW_HEADER) + "\n" + "\n".join(lines) + "\n")
        recording, error = attempt(lambda: read_refit(path))
    if error is not None:
        assert error.path == path
        assert error.line is not None
        assert 2 <= error.line <= len(lines) + 1
        assert not clean
        return
    assert recording is not None
    assert recording.aggregate_w is not None
    assert not np.isnan(recording.aggregate_w).any()
    # Junk that still parsed as a number is a number: nothing turned into NaN.
    aggregate = [float(line.split(",")[2]) for line in lines]
    assert recording.aggregate_w.tolist() == aggregate


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1.044", "0.320", "?", "5.362", "", "4,1"]),
            st.sampled_from(["0.000", "2.000", "?", "17.000"]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_uci_reader_masks_only_missing_marks(rows: list[tuple[str, str]]) -> None:
    lines = [
        f"27/12/2006;00:{minute:02d}:00;{power};0.1;240.0;4.0;0.000;0.000;{sub}"
        for minute, (power, sub) in enumerate(rows)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "household_power_consumption.txt"
        path.write_text(";".join(UCI_HEADER) + "\r\n" + "\r\n".join(lines) + "\r\n")
        recording, error = attempt(lambda: read_uci(path))
    if error is not None:
        bad = [n + 2 for n, (power, _) in enumerate(rows) if power == "4,1"]
        assert error.line == bad[0]
        return
    assert recording is not None
    assert recording.aggregate_w is not None
    # The dataset notes mark a missing value by an empty field; the files use "?".
    missing = [power in {"?", ""} for power, _ in rows]
    assert np.isnan(recording.aggregate_w).tolist() == missing
    water_heater = recording.channels[2].power_w
    assert np.isnan(water_heater).tolist() == [s == "?" for _, s in rows]
