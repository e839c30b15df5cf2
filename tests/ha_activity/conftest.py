"""Share fixtures for the activity tests run in a real Home Assistant."""

from __future__ import annotations

from pathlib import Path
import shutil

import pytest

import custom_components

# An editable install adds a placeholder entry (not a folder) to the
# namespace package's path, and Home Assistant lists every entry as a folder.
if any(not Path(entry).is_dir() for entry in custom_components.__path__):
    custom_components.__path__[:] = [
        entry for entry in custom_components.__path__ if Path(entry).is_dir()
    ]

REPO = Path(__file__).resolve().parents[2]
BLUEPRINT_SOURCE = REPO / "blueprints" / "automation" / "linky_activity"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Give every test its own configuration folder on disk."""
    return hass_tmp_config_dir


@pytest.fixture
def installed_blueprints(hass_config_dir: str) -> Path:
    """Copy the shipped blueprints where Home Assistant looks for them."""
    target = Path(hass_config_dir) / "blueprints" / "automation" / "linky_activity"
    shutil.copytree(BLUEPRINT_SOURCE, target)
    return target
