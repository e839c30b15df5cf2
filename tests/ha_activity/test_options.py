"""Check the activity options: the form, what is stored, and their live effect."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from homeassistant.data_entry_flow import FlowResultType

from custom_components.linky_activity.activity.inactivity import InactivityConfig
from custom_components.linky_activity.activity.night_baseline import NightWindow
from custom_components.linky_activity.activity_const import (
    CONF_DAY_END,
    CONF_DAY_START,
    CONF_INACTIVITY_THRESHOLD,
    CONF_NIGHT_END,
    CONF_NIGHT_START,
    CONF_SENSITIVITY,
)
from custom_components.linky_activity.activity_options import detector_config
from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.const import CONF_PUBLISH_INTERVAL

from .live_meter import meter_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .live_meter import Replay

START_S = datetime(2026, 1, 8, 8, 0, tzinfo=UTC).timestamp()
ACTIVITY_FIELDS = {
    CONF_SENSITIVITY,
    CONF_DAY_START,
    CONF_DAY_END,
    CONF_NIGHT_START,
    CONF_NIGHT_END,
    CONF_INACTIVITY_THRESHOLD,
}


async def test_options_change_the_running_detector_and_keep_what_it_learned(
    hass: HomeAssistant, replay: Replay
) -> None:
    entry = meter_entry(replay.link.path)
    hub = await replay.start(entry, START_S)
    runtime = activity_runtime(hass, entry)
    await replay.hold(hub, START_S, 10, 200.0)
    learned = runtime.detector.to_dict()

    form = await hass.config_entries.options.async_init(entry.entry_id)
    assert form["type"] is FlowResultType.FORM
    assert {str(key) for key in form["data_schema"].schema} >= ACTIVITY_FIELDS
    result = await hass.config_entries.options.async_configure(
        form["flow_id"],
        {
            CONF_PUBLISH_INTERVAL: 10,
            CONF_SENSITIVITY: "high",
            CONF_DAY_START: "06:30:00",
            CONF_DAY_END: "23:00:00",
            CONF_NIGHT_START: "23:30:00",
            CONF_NIGHT_END: "05:00:00",
            CONF_INACTIVITY_THRESHOLD: 90,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_SENSITIVITY] == "high"
    assert entry.options[CONF_INACTIVITY_THRESHOLD] == 90
    assert activity_runtime(hass, entry) is runtime
    config = runtime.detector.config
    assert config.sensitivity == "high"
    assert config.night == NightWindow(start_min=23 * 60 + 30, end_min=5 * 60)
    assert config.inactivity.day_start_min == 6 * 60 + 30
    assert config.inactivity.day_end_min == 23 * 60
    assert config.inactivity.threshold_min == 90.0
    assert runtime.detector.to_dict()["features"] == learned["features"]


def test_blank_or_zero_threshold_leaves_it_to_be_learned() -> None:
    for threshold in (0, None):
        config = detector_config({CONF_INACTIVITY_THRESHOLD: threshold}, "UTC")
        assert config.inactivity.threshold_min is None


def test_unusable_windows_fall_back_to_the_defaults() -> None:
    config = detector_config(
        {
            CONF_DAY_START: "08:00:00",
            CONF_DAY_END: "08:00:00",
            CONF_NIGHT_START: "not a time",
            CONF_SENSITIVITY: "extreme",
        },
        "Europe/Paris",
    )

    assert config.inactivity == InactivityConfig()
    assert config.night == NightWindow()
    assert config.sensitivity == "normal"
    assert config.timezone == "Europe/Paris"
