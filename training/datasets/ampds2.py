"""Read AMPds2: one house in Burnaby, Canada, metered circuit by circuit.

AMPds2 (Makonin et al., Sci. Data 3:160037) ships one CSV per meter, a row a
minute keyed by `unix_ts` (UTC epoch; the house keeps America/Vancouver time).
Electricity files `Electricity_XXX.csv` hold `V,I,f,DPF,APF,P,Pt,Q,Qt,S,St`;
`P` is active power in W. `WHE` is the whole house (it includes the rental
suite `RSE`, another household, so that circuit is masked rather than
labelled). Water and natural-gas files (`Water_XXX.csv`, `NaturalGas_XXX.csv`)
hold `counter,avg_rate,inst_rate`; their counters (litres of water, dm3 of
gas) give the flow as a rate per minute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from training.appliances import ApplianceKind
from training.datasets.errors import DatasetError
from training.datasets.recording import Flow, HouseRecording, channel_named
from training.datasets.textfile import (
    TextLayout,
    check_header,
    keep_increasing,
    open_binary,
    read_numeric,
)
from training.datasets.timeline import hold_onto, merge_timelines

if TYPE_CHECKING:
    from pathlib import Path

    from training.datasets.recording import Channel

DATASET = "ampds2"
HOUSE = "AMPds2"
TIMEZONE = "America/Vancouver"
SAMPLE_PERIOD_S = 60.0
ELECTRICITY_HEADER = (
    "unix_ts",
    "V",
    "I",
    "f",
    "DPF",
    "APF",
    "P",
    "Pt",
    "Q",
    "Qt",
    "S",
    "St",
)
FLOW_HEADER = ("unix_ts", "counter", "avg_rate", "inst_rate")
FILE_NAME = re.compile(r"(Electricity|Water|NaturalGas)_([A-Z0-9]{3})\.csv")
WHOLE_HOUSE = "WHE"
_ACTIVE_POWER_COLUMN = ELECTRICITY_HEADER.index("P") - 1

# Meter codes as the dataset documents them (rooms and loads).
METERS: dict[str, tuple[str, ApplianceKind]] = {
    "B1E": ("North bedroom plugs and lights", ApplianceKind.SOCKETS),
    "B2E": ("Master and south bedroom plugs and lights", ApplianceKind.SOCKETS),
    "BME": ("Basement plugs and lights", ApplianceKind.SOCKETS),
    "CDE": ("Clothes dryer", ApplianceKind.TUMBLE_DRYER),
    "CWE": ("Clothes washer", ApplianceKind.WASHING_MACHINE),
    "DNE": ("Dining room plugs", ApplianceKind.SOCKETS),
    "DWE": ("Dishwasher", ApplianceKind.DISHWASHER),
    "EBE": ("Electronics workbench", ApplianceKind.WORKSHOP_TOOL),
    "EQE": ("Security and network equipment", ApplianceKind.NETWORK),
    "FGE": ("Kitchen fridge", ApplianceKind.FRIDGE),
    "FRE": ("Forced-air furnace fan and thermostat", ApplianceKind.FURNACE),
    "GRE": ("Garage sub-panel", ApplianceKind.SUBPANEL),
    "HPE": ("Heat pump", ApplianceKind.HEAT_PUMP),
    "HTE": ("Instant hot water unit", ApplianceKind.INSTANT_WATER_HEATER),
    "MHE": ("Main house sub-panel", ApplianceKind.SUBPANEL),
    "OFE": ("Home office", ApplianceKind.SOCKETS),
    "OUE": ("Outside plugs", ApplianceKind.SOCKETS),
    "RSE": ("Rental suite sub-panel", ApplianceKind.SUBPANEL),
    "TVE": ("Entertainment: TV, PVR, amplifier", ApplianceKind.TELEVISION),
    "UNE": ("Unmetered loads", ApplianceKind.UNKNOWN),
    "UTE": ("Utility room plug", ApplianceKind.SOCKETS),
    "WOE": ("Kitchen wall oven", ApplianceKind.OVEN),
}
FLOW_UNITS = {"Water": "L", "NaturalGas": "dm3"}


def is_ampds2_file(path: Path) -> bool:
    """Tell whether a file name follows the AMPds2 naming."""
    return FILE_NAME.fullmatch(path.name) is not None


def read_ampds2(files: list[Path], *, progress: bool = False) -> HouseRecording:
    """Read the AMPds2 files of one folder as a house recording."""
    electricity: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    flows: dict[str, tuple[str, np.ndarray, np.ndarray]] = {}
    for path in sorted(files):
        match = FILE_NAME.fullmatch(path.name)
        if match is None:
            raise DatasetError(path, "not an AMPds2 file name (Electricity_XXX.csv)")
        family, code = match.groups()
        if family == "Electricity":
            electricity[code] = _read_meter(path, ELECTRICITY_HEADER, progress=progress)
        else:
            times, table = _read_meter(path, FLOW_HEADER, progress=progress)
            flows[f"{family}_{code}"] = (FLOW_UNITS[family], times, table)
    if not electricity and not flows:
        raise DatasetError(files[0].parent, "no AMPds2 file in the folder")

    base = merge_timelines(
        *(times for times, _ in electricity.values()),
        *(times for _, times, _ in flows.values()),
    )
    channels: list[Channel] = []
    aggregate = None
    for code, (times, table) in electricity.items():
        power = hold_onto(base, times, table[_ACTIVE_POWER_COLUMN], SAMPLE_PERIOD_S)
        if code == WHOLE_HOUSE:
            aggregate = power
            continue
        name, kind = METERS.get(code, (code, ApplianceKind.UNKNOWN))
        channels.append(channel_named(f"{code} {name}", power, kind))

    return HouseRecording(
        dataset=DATASET,
        house=HOUSE,
        timezone=TIMEZONE,
        timestamps_s=base,
        aggregate_w=aggregate,
        channels=tuple(channels),
        source=files[0].parent,
        sample_period_s=SAMPLE_PERIOD_S,
        max_hold_s=SAMPLE_PERIOD_S,
        flows=tuple(
            Flow(
                name=name, unit=unit, rate_per_min=_counter_rate(base, times, table[0])
            )
            for name, (unit, times, table) in flows.items()
        ),
    )


def _read_meter(
    path: Path,
    header: tuple[str, ...],
    *,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Read one AMPds2 meter file: its timestamps and its value columns."""
    layout = TextLayout(delimiter=",", fields=len(header))
    with open_binary(path) as handle:
        check_header(path, handle.readline(), header, delimiter=",")
        rows = read_numeric(
            path, layout, handle=handle, first_line=2, progress=progress
        )
    times = rows.values[0]
    keep = keep_increasing(path, times, rows.first_line)
    values = rows.values if keep.all() else rows.values[:, keep]
    return values[0], values[1:]


def _counter_rate(
    base: np.ndarray, times: np.ndarray, counter: np.ndarray
) -> np.ndarray:
    """Turn a cumulative counter into a rate per minute held from each reading."""
    if times.size < 2:
        return np.full(base.shape, np.nan)
    rate = np.diff(counter) / np.diff(times) * 60.0
    # A counter that steps back was reset or misread: the rate is unknown.
    rate[rate < 0] = np.nan
    return hold_onto(base, times[:-1], rate, SAMPLE_PERIOD_S)
