"""Load the shipped activity model off the event loop, and flag it when unusable."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

from homeassistant.helpers import issue_registry as ir

from .activity.errors import ModelError
from .activity.model import ActivityModel, load_model
from .activity_const import ISSUE_MODEL_UNUSABLE, MODEL_FILE_NAME
from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)

MODEL_PATH: Final = Path(__file__).parent / "model" / MODEL_FILE_NAME


async def async_load_activity_model(
    hass: HomeAssistant, path: Path | None = None
) -> ActivityModel | None:
    """Return the checked model, or None (and a repair issue) if it cannot be used.

    Without a model the detector still runs its night baseline, so a broken
    file degrades the detection instead of stopping the integration.
    """
    path = path or MODEL_PATH
    try:
        model = await hass.async_add_executor_job(load_model, path)
    except ModelError as err:
        _LOGGER.error(
            "Activity model %s unusable, only the night baseline runs: %s",
            path.name,
            err,
        )
        ir.async_create_issue(
            hass,
            DOMAIN,
            ISSUE_MODEL_UNUSABLE,
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_MODEL_UNUSABLE,
            translation_placeholders={"path": str(path), "reason": str(err)},
        )
        return None
    ir.async_delete_issue(hass, DOMAIN, ISSUE_MODEL_UNUSABLE)
    return model
