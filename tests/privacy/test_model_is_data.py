"""Specify that the model file is data: loading it runs no code and reads bounded.

Each hostile file below would run code if anything unpickled it: it creates
a marker file. Loading must refuse it with ModelError and leave no marker.
"""

from __future__ import annotations

import ast
import io
import os
from pathlib import Path
import pickle
import time
from typing import TYPE_CHECKING

import numpy as np
import pytest

from custom_components.linky_activity.activity.errors import ModelError
from custom_components.linky_activity.activity.model import MAX_MODEL_BYTES, load_model

if TYPE_CHECKING:
    from collections.abc import Callable

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "linky_activity"
LOADING_CODE = (PACKAGE / "activity" / "model.py", PACKAGE / "model_loader.py")
# What can turn bytes into running code, or read a file without a bound.
CODE_LOADERS = {"pickle", "marshal", "shelve", "dill", "joblib", "cloudpickle"}
CODE_CALLS = {"eval", "exec", "compile", "__import__", "load", "loads", "import_module"}


class _Trap:
    """Create a marker file when unpickled: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str, str]]:
        return (os.system, (f"touch {self.marker}", ""))


def _pickled(marker: Path) -> bytes:
    """Return a pickle that runs a command when loaded."""
    return pickle.dumps(_Trap(marker), protocol=pickle.HIGHEST_PROTOCOL)


def _npz_with_objects(marker: Path) -> bytes:
    """Return a numpy archive whose object array only a pickle-allowing load opens."""
    buffer = io.BytesIO()
    np.savez(buffer, trees=np.array([_Trap(marker)], dtype=object))
    return buffer.getvalue()


def _json_with_class_hint(marker: Path) -> bytes:
    """Return JSON with the object hints some JSON libraries turn into calls."""
    return (
        '{"py/reduce": [{"py/function": "os.system"}, {"py/tuple": '
        f'["touch {marker}"]}}], "__class__": "os.system"}}'
    ).encode()


@pytest.mark.parametrize(
    "hostile",
    [_pickled, _npz_with_objects, _json_with_class_hint],
    ids=["pickle", "npz with objects", "json with class hints"],
)
def test_a_file_that_would_run_code_is_refused_and_runs_nothing(
    tmp_path: Path, hostile: Callable[[Path], bytes]
) -> None:
    marker = tmp_path / "code-ran"
    model_file = tmp_path / "activity_model.json"
    model_file.write_bytes(hostile(marker))

    with pytest.raises(ModelError):
        load_model(model_file)

    assert not marker.exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_file_whose_size_lies_is_read_no_further_than_the_limit(
    tmp_path: Path, device: str
) -> None:
    # A device reports a size of 0 but never ends: only a bounded read stops.
    model_file = tmp_path / "activity_model.json"
    model_file.symlink_to(device)
    started = time.monotonic()

    with pytest.raises(ModelError):
        load_model(model_file)

    assert model_file.stat().st_size == 0
    assert time.monotonic() - started < 5


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    model_file = tmp_path / "activity_model.json"
    with model_file.open("wb") as handle:
        handle.truncate(64 * MAX_MODEL_BYTES)

    with pytest.raises(ModelError, match="limit"):
        load_model(model_file)


def _calls_and_imports(path: Path) -> tuple[set[str], set[str]]:
    """Return the names a source file calls and the modules it imports."""
    calls: set[str] = set()
    imports: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name):
                calls.add(function.id)
            elif isinstance(function, ast.Attribute):
                calls.add(function.attr)
        elif isinstance(node, ast.Import):
            imports.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imports.add(node.module.split(".")[0])
    return calls, imports


@pytest.mark.parametrize("path", LOADING_CODE, ids=lambda path: path.name)
def test_the_loading_code_has_no_way_to_run_what_it_reads(path: Path) -> None:
    calls, imports = _calls_and_imports(path)

    assert not imports & CODE_LOADERS
    # json.loads is the one loader allowed, and only on the model's text.
    assert calls & CODE_CALLS <= {"loads"}
