"""Specify that removing the meter's entry leaves nothing learned about the home.

What the detector learns (when someone is usually up, quiet, away at night)
describes a household's life. Removing the entry must erase it, with any
copy set aside, and leave no file in Home Assistant's storage naming the
entry, its meter or its entities once Home Assistant has written its
registries and saved states again (but for the registries' 30-day memory of
removed ids, which is Home Assistant's own).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from faults.lines import meter
from faults.scenario import set_up_meter, unload
from faults.storage import hass_config_dir, hass_storage  # noqa: F401 - fixtures
from faults.watch import fire_after, wait_until
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    restore_state,
)

from custom_components.linky_activity.activity_store import (
    SET_ASIDE_MARK,
    STORAGE_VERSION,
    storage_key,
)

if TYPE_CHECKING:
    from faults.lines import Dongle
    from homeassistant.core import HomeAssistant

CAPTURE = "historical-mono-tempo-pyteleinfo.txt"


# Home Assistant keeps removed devices and entities for 30 days, under these
# keys, so that adding the meter back restores their names: ids only, never
# what was learned.
REMEMBERED_REMOVALS = {
    "core.device_registry": "deleted_devices",
    "core.entity_registry": "deleted_entities",
}


def _storage_text(folder: Path) -> dict[str, str]:
    """Return every file of Home Assistant's storage folder, by name.

    The registries' memory of removed items is left out: Home Assistant's
    own, described in the README.
    """
    found = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.name in REMEMBERED_REMOVALS:
            document = json.loads(text)
            document["data"].pop(REMEMBERED_REMOVALS[path.name])
            text = json.dumps(document)
        found[path.name] = text
    return found


async def test_removing_the_entry_erases_what_was_learned_and_every_trace_of_it(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    entry, hub = await set_up_meter(hass, dongle, str(dongle.path), CAPTURE)
    await dongle.play(meter(CAPTURE), speed=20)
    frames = hub.connection.frames + 20
    await wait_until(lambda: hub.connection.frames >= frames, 10, "frames")
    await fire_after(hass, hub.publish_interval_s)
    entity_ids = [
        item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    ]
    await unload(hass, entry)
    storage = Path(hass.config.path(".storage"))
    learned = storage / storage_key(entry.entry_id)
    # A copy set aside earlier, as an unreadable file leaves behind.
    aside = learned.with_name(f"{learned.name}{SET_ASIDE_MARK}20260105T000000Z")
    aside.write_text(json.dumps({"version": STORAGE_VERSION, "data": {}}))
    await restore_state.async_get(hass).async_dump_states()
    await fire_after(hass, 600)
    before = _storage_text(storage)
    assert learned.name in before
    assert any(entry.entry_id in text for text in before.values())

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    # Saved states are written every quarter of an hour, registries after a
    # delay or when Home Assistant stops: write both, as time or a restart do.
    await restore_state.async_get(hass).async_dump_states()
    await hass.async_stop(force=True)
    after = _storage_text(storage)

    assert not learned.exists()
    assert not aside.exists()
    assert not er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert not dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    for name, text in after.items():
        assert entry.entry_id not in text, f"{name} still names the entry"
        assert entry.unique_id not in text, f"{name} still names the meter"
        for entity_id in entity_ids:
            assert f'"{entity_id}"' not in text, f"{name} still holds {entity_id}"
