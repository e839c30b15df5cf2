"""Specify what the package promises outside Home Assistant."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

REPO = Path(__file__).resolve().parents[2]

# Refuse any import of Home Assistant, as on a machine where it is not installed.
IMPORT_WITHOUT_HOME_ASSISTANT = """
import sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == "homeassistant" or name.startswith("homeassistant."):
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, Refuse())
import custom_components.linky_activity
import custom_components.linky_activity.tic.decoder
import custom_components.linky_activity.tic.reading
assert not any(name.startswith("homeassistant") for name in sys.modules)
"""


def test_the_integration_package_imports_without_home_assistant() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_WITHOUT_HOME_ASSISTANT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
