"""Give tests real storage files in a folder of their own, as a user's disk holds."""

from __future__ import annotations

import pytest


@pytest.fixture
def hass_storage() -> dict[str, object]:
    """Let Home Assistant read and write real files instead of mocked storage."""
    return {}


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Give each test its own configuration folder on disk."""
    return hass_tmp_config_dir
