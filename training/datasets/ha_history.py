"""Read a Home Assistant history export (the CSV the history panel downloads).

The file has the header `entity_id,state,last_changed` and one line a state
change: the entity, its new state and the ISO 8601 UTC time of the change.
States `unavailable` and `unknown` mean no reading (NaN). The recording is
named after the file. The whole-house power is taken from the entity named,
or, if none is named, from the only numeric entity in the file or the only
numeric one whose id says power (PAPP, SINSTS, power, puissance...). A Linky
sensor gives apparent power in VA: it is kept as it is, as `aggregate_w`.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
import io
import re
from typing import TYPE_CHECKING

import numpy as np

from training.datasets.errors import DatasetError
from training.datasets.recording import HouseRecording
from training.datasets.textfile import decode_line, keep_increasing, open_binary

if TYPE_CHECKING:
    from pathlib import Path

DATASET = "ha_history"
HEADER = ("entity_id", "state", "last_changed")
NO_READING = frozenset({"unavailable", "unknown", "none", ""})
POWER_ID = re.compile(r"papp|sinsts|apparent|power|puissance|_va\b|watt", re.IGNORECASE)
# Home Assistant stores a state only when it changes; a power sensor that
# has not changed for an hour has most likely stopped reporting.
DEFAULT_MAX_HOLD_S = 3600.0


def read_ha_history(
    path: Path,
    *,
    entity_id: str | None = None,
    timezone: str = "Europe/Paris",
    max_hold_s: float = DEFAULT_MAX_HOLD_S,
) -> HouseRecording:
    """Read one power entity of a history export as a house recording."""
    series = _read_entities(path)
    chosen = _choose_entity(path, series, entity_id)
    lines, times, values = zip(*series[chosen], strict=True)
    stamps = np.asarray(times, dtype=np.float64)
    keep = keep_increasing(path, stamps, int(lines[0]))
    step = float(np.median(np.diff(stamps))) if stamps.size > 1 else max_hold_s
    return HouseRecording(
        dataset=DATASET,
        house=path.stem,
        timezone=timezone,
        timestamps_s=stamps[keep],
        aggregate_w=np.asarray(values, dtype=np.float64)[keep],
        channels=(),
        source=path,
        sample_period_s=min(step, max_hold_s),
        max_hold_s=max_hold_s,
    )


def _read_entities(path: Path) -> dict[str, list[tuple[int, float, float | str]]]:
    """Read every line: entity to (line, UTC seconds, number or raw state)."""
    with open_binary(path) as handle:
        text = [decode_line(path, raw, n) for n, raw in enumerate(handle, start=1)]
    if not text:
        raise DatasetError(path, "file is empty")
    reader = csv.reader(io.StringIO("\n".join(text)))
    header = tuple(name.strip() for name in next(reader))
    if header != HEADER:
        raise DatasetError(
            path,
            f"unexpected header {','.join(header)[:60]!r}, "
            f"expected {','.join(HEADER)!r}",
            1,
        )
    series: dict[str, list[tuple[int, float, float | str]]] = {}
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(HEADER):
            raise DatasetError(path, f"expected 3 fields, found {len(row)}", line_no)
        entity, state, changed = (field.strip() for field in row)
        series.setdefault(entity, []).append(
            (line_no, _utc_seconds(path, changed, line_no), _state_value(state))
        )
    return series


def _utc_seconds(path: Path, text: str, line: int) -> float:
    """Parse an ISO 8601 time; a time without an offset is UTC, as exported."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise DatasetError(path, f"not a date-time: {text[:40]!r}", line) from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _state_value(state: str) -> float | str:
    """Return a state as a number, NaN for no reading, or the raw text."""
    if state.lower() in NO_READING:
        return np.nan
    try:
        value = float(state)
    except ValueError:
        return state
    return value if np.isfinite(value) else state


def _choose_entity(
    path: Path,
    series: dict[str, list[tuple[int, float, float | str]]],
    entity_id: str | None,
) -> str:
    """Pick the power entity, checking that all its states are numbers."""
    numeric = [
        entity
        for entity, rows in series.items()
        if any(isinstance(value, float) and not np.isnan(value) for _, _, value in rows)
    ]
    if entity_id is not None:
        if entity_id not in series:
            raise DatasetError(path, f"no entity {entity_id!r} in the export")
        chosen = entity_id
    elif len(numeric) == 1:
        chosen = numeric[0]
    else:
        powered = [entity for entity in numeric if POWER_ID.search(entity)]
        if len(powered) != 1:
            raise DatasetError(
                path,
                "cannot tell which entity is the house power; name one of "
                + ", ".join(sorted(numeric)[:10]),
            )
        chosen = powered[0]
    for line_no, _, value in series[chosen]:
        if isinstance(value, str):
            raise DatasetError(path, f"state is not a number: {value[:40]!r}", line_no)
    return chosen
