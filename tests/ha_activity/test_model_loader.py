"""Check that the model file is read off the loop and flagged when unusable."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
)
from custom_components.linky_activity.activity.model import ActivityModel
from custom_components.linky_activity.activity_const import ISSUE_MODEL_UNUSABLE
from custom_components.linky_activity.const import DOMAIN
from custom_components.linky_activity.model_loader import async_load_activity_model

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant


def _logistic_document() -> dict[str, Any]:
    """Return a small but complete logistic model document."""
    return {
        "format": "linky-activity-model",
        "format_version": 1,
        "kind": "logistic",
        "feature_names": list(FEATURE_NAMES),
        "feature_version": FEATURE_VERSION,
        "created": "2026-01-31",
        "card": {"note": "test model"},
        "threshold": 0.5,
        "logistic": {"coef": [0.001] * len(FEATURE_NAMES), "intercept": -1.0},
    }


def _issue(hass: HomeAssistant) -> ir.IssueEntry | None:
    """Return the model repair issue, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_MODEL_UNUSABLE)


async def test_valid_model_file_loads_without_a_repair_issue(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    path = tmp_path / "activity_model.json"
    path.write_text(json.dumps(_logistic_document()), encoding="utf-8")

    model = await async_load_activity_model(hass, path)

    assert isinstance(model, ActivityModel)
    assert model.threshold == 0.5
    assert _issue(hass) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(None, "cannot read", id="missing"),
        pytest.param('{"format": "linky-activity-model", "form', "not JSON", id="cut"),
        pytest.param(
            json.dumps({**_logistic_document(), "feature_names": ["va_mean"]}),
            "feature",
            id="other-features",
        ),
        pytest.param(
            json.dumps({**_logistic_document(), "format_version": 99}),
            "version",
            id="newer-format",
        ),
    ],
)
async def test_unusable_model_file_raises_a_repair_issue_saying_why(
    hass: HomeAssistant, tmp_path: Path, content: str | None, reason: str
) -> None:
    path = tmp_path / "activity_model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    model = await async_load_activity_model(hass, path)

    assert model is None
    issue = _issue(hass)
    assert issue is not None
    assert issue.translation_key == ISSUE_MODEL_UNUSABLE
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders is not None
    assert reason in issue.translation_placeholders["reason"]
    assert issue.translation_placeholders["path"] == str(path)


async def test_repaired_model_file_clears_the_repair_issue(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    path = tmp_path / "activity_model.json"
    path.write_text("{}", encoding="utf-8")
    assert await async_load_activity_model(hass, path) is None
    assert _issue(hass) is not None

    path.write_text(json.dumps(_logistic_document()), encoding="utf-8")

    assert await async_load_activity_model(hass, path) is not None
    assert _issue(hass) is None
