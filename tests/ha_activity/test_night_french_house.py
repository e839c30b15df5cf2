"""Replay the French UCI house through the meter path, minute by minute.

The house has an electric storage water heater that runs on many nights,
and the off-peak period (22:00-06:00 here, a common French schedule) is in
every frame. Its heater nights must raise no night-activity event; a kettle
added at 03:00 on one of them must raise exactly one, with or without a
usable activity model.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING

from homeassistant.const import STATE_ON
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.linky_activity import hub as hub_module, model_loader
from custom_components.linky_activity.activity_const import (
    EVENT_NIGHT_ACTIVITY,
    ISSUE_MODEL_UNUSABLE,
)
from custom_components.linky_activity.activity_runtime import activity_runtime
from custom_components.linky_activity.const import CONF_PUBLISH_INTERVAL, DOMAIN

from .french_house import (
    PARIS,
    MeterMinutes,
    heater_only_nights,
    kettle_start_s,
    read_french_house,
)
from .live_meter import meter_entry

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import Event, HomeAssistant

    from .live_meter import Replay


@pytest.fixture(autouse=True)
def minute_paced_meter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the link up between readings a minute apart, as the house gives."""
    monkeypatch.setattr(hub_module, "WATCHDOG_S", 300.0)


def _nights_flagged(events: list[Event]) -> dict[date, list[datetime]]:
    """Group night-activity events by the local date they began on."""
    flagged: dict[date, list[datetime]] = defaultdict(list)
    for event in events:
        since = datetime.fromisoformat(event.data["since"]).astimezone(PARIS)
        flagged[since.date()].append(since)
    return flagged


async def _start(hass: HomeAssistant, replay: Replay, minutes: MeterMinutes):
    """Set the meter up just before the house's first minute."""
    await hass.config.async_set_time_zone("Europe/Paris")
    # Meter entities need not write every replayed minute; detection sees all.
    entry = meter_entry(replay.link.path, **{CONF_PUBLISH_INTERVAL: 3600})
    first = float(minutes.timestamps_s[0])
    hub = await replay.start(entry, first - 60.0, float(minutes.power_va[0]))
    return entry, hub


async def test_heater_nights_stay_quiet_and_a_kettle_at_three_is_reported(
    hass: HomeAssistant, replay: Replay, tmp_path: Path
) -> None:
    house = read_french_house(tmp_path)
    heater_nights = heater_only_nights(house)
    assert len(heater_nights) >= 6
    # The last heater night, long after the first three nights are learned.
    kettle_night = heater_nights[-1]
    minutes = MeterMinutes.of(house, kettle_night)
    entry, hub = await _start(hass, replay, minutes)
    events = async_capture_events(hass, EVENT_NIGHT_ACTIVITY)

    await minutes.play(replay, hub, from_s=0.0, until_s=float("inf"))
    await hass.async_block_till_done()

    flagged = _nights_flagged(events)
    print(
        "night activity events:",
        {
            night.isoformat(): [moment.strftime("%H:%M") for moment in moments]
            for night, moments in sorted(flagged.items())
        },
    )
    assert [night for night in heater_nights[:-1] if night in flagged] == []
    [caught] = flagged[kettle_night]
    assert abs(caught.timestamp() - kettle_start_s(kettle_night)) <= 5 * 60
    runtime = activity_runtime(hass, entry)
    assert runtime.detector.night.nights_learned >= 3
    assert runtime.night_baseline_va is not None
    registry = er.async_get(hass)
    shown = {
        e.translation_key: hass.states.get(e.entity_id)
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert float(shown["learning_progress"].state) == 100.0
    baseline = float(shown["night_baseline"].state)
    assert baseline == pytest.approx(runtime.night_baseline_va)


async def test_broken_model_raises_a_repair_issue_and_the_night_baseline_still_works(
    hass: HomeAssistant,
    replay: Replay,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = tmp_path / "activity_model.json"
    broken.write_text('{"format": "linky-activity-model", "kind": "log', "utf-8")
    monkeypatch.setattr(model_loader, "MODEL_PATH", broken)
    house = read_french_house(tmp_path)
    # The first heater night after two whole nights seen.
    kettle_night = heater_only_nights(house)[2]
    minutes = MeterMinutes.of(house, kettle_night)
    entry, hub = await _start(hass, replay, minutes)
    events = async_capture_events(hass, EVENT_NIGHT_ACTIVITY)

    kettle = kettle_start_s(kettle_night)
    await minutes.play(replay, hub, from_s=0.0, until_s=kettle + 4 * 60.0)
    registry = er.async_get(hass)
    night_entity = next(
        e.entity_id
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.translation_key == "night_activity"
    )
    assert hass.states.get(night_entity).state == STATE_ON
    await minutes.play(replay, hub, from_s=kettle + 4 * 60.0, until_s=kettle + 3600.0)

    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_MODEL_UNUSABLE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert "not JSON" in issue.translation_placeholders["reason"]
    for language in ("en", "fr"):
        strings = await async_get_translations(hass, language, "issues", [DOMAIN])
        prefix = f"component.{DOMAIN}.issues.{ISSUE_MODEL_UNUSABLE}"
        description = strings[f"{prefix}.description"]
        assert strings[f"{prefix}.title"]
        assert "{reason}" in description
        assert "{path}" in description
    assert activity_runtime(hass, entry).model_loaded is False
    flagged = _nights_flagged(events)
    [caught] = flagged[kettle_night]
    assert abs(caught.timestamp() - kettle) <= 5 * 60
