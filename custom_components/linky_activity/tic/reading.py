"""Turn one frame into a typed, unit-bearing meter reading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields as dataclass_fields
from enum import Enum, auto
from typing import TYPE_CHECKING, Any, Final

from .address import MeterAddress, decode_address
from .horodate import Horodate, parse_horodate
from .labels import (
    HISTORICAL_INDEX_LABELS,
    LABEL_ALIASES,
    REACTIVE_INDEX_LABELS,
    STANDARD_INDEX_LABELS,
)
from .memo import Memo
from .schedule import DaySlot, parse_day_profile
from .status import StatusRegister, decode_status
from .tariff import (
    ContractKind,
    TariffPeriod,
    TempoColour,
    contract_kind,
    historical_period,
    standard_colour,
    standard_period,
    tomorrow_colour,
)

if TYPE_CHECKING:
    from .frame import Frame, Group, TicMode


@dataclass(frozen=True, slots=True)
class Timed:
    """Hold a value with the meter's timestamp (horodate) for it."""

    value: int
    at: Horodate


@dataclass(frozen=True, slots=True, kw_only=True)
class MobilePeak:
    """Hold the announced start and end of one mobile peak period."""

    number: int
    start: Horodate | None = None
    end: Horodate | None = None


@dataclass(frozen=True, kw_only=True)
class MeterReading:
    """Hold the typed content of one frame; absent labels stay None or empty.

    Units are in the field names. Per-phase mappings are keyed by phase number
    (1-3); a single-phase meter's current is phase 1. Energy indexes are keyed
    by their label in lower case (``base``, ``hchc``, ``bbrhcjb``, ``east``,
    ``easf01``, ``easd04``, ``eait``...); `pulse_counts` holds the GAZ and
    AUTRE counters some pre-Linky meters relay from other meters.
    `meter_address` and `prm` identify a household: they are left out of
    `repr` and must never be logged.

    No `__slots__`: `reading_from_frame` hands each reading its fields as one
    dictionary, which is several times faster than the generated `__init__`.
    """

    mode: TicMode
    meter_address: str | None = field(default=None, repr=False)
    prm: str | None = field(default=None, repr=False)
    address: MeterAddress | None = None
    tic_version: str | None = None
    meter_time: Horodate | None = None
    # Contract and tariff.
    contract: str | None = None
    contract_kind: ContractKind | None = None
    tariff_label: str | None = None
    tariff_period: TariffPeriod | None = None
    supplier_index: int | None = None
    tempo_today: TempoColour | None = None
    tempo_tomorrow: TempoColour | None = None
    schedule_group: str | None = None
    ejp_notice_minutes: int | None = None
    supplier_day: int | None = None
    next_supplier_day: int | None = None
    next_day_profile: tuple[DaySlot, ...] | None = None
    next_peak_day_profile: tuple[DaySlot, ...] | None = None
    mobile_peaks: tuple[MobilePeak, ...] = ()
    # Power, current, voltage.
    apparent_power_va: int | None = None
    phase_apparent_power_va: dict[int, int] = field(default_factory=dict)
    injected_apparent_power_va: int | None = None
    currents_a: dict[int, int] = field(default_factory=dict)
    max_currents_a: dict[int, int] = field(default_factory=dict)
    voltages_v: dict[int, int] = field(default_factory=dict)
    average_voltages_v: dict[int, Timed] = field(default_factory=dict)
    # Subscription, limits and overload warnings.
    subscribed_current_a: int | None = None
    subscribed_power_kva: int | None = None
    cutoff_power_kva: int | None = None
    max_power_w: int | None = None
    overload_current_a: int | None = None
    phase_overload_currents_a: dict[int, int] = field(default_factory=dict)
    # Daily maxima and load curve points, with the meter's timestamps.
    max_apparent_power_today: Timed | None = None
    max_apparent_power_yesterday: Timed | None = None
    phase_max_apparent_power_today: dict[int, Timed] = field(default_factory=dict)
    phase_max_apparent_power_yesterday: dict[int, Timed] = field(default_factory=dict)
    max_injected_power_today: Timed | None = None
    max_injected_power_yesterday: Timed | None = None
    load_curve_w: Timed | None = None
    previous_load_curve_w: Timed | None = None
    injected_load_curve_w: Timed | None = None
    previous_injected_load_curve_w: Timed | None = None
    # Energy indexes.
    energy_wh: dict[str, int] = field(default_factory=dict)
    reactive_energy_varh: dict[str, int] = field(default_factory=dict)
    pulse_counts: dict[str, int] = field(default_factory=dict)
    # Status and outputs.
    status: StatusRegister | None = None
    status_word: str | None = None
    missing_phases: frozenset[int] | None = None
    relays_closed: tuple[bool, ...] | None = None
    messages: tuple[str, ...] = ()
    short_frame: bool = False

    @property
    def three_phase(self) -> bool:
        """Tell whether this frame carried per-phase data of phases 2 or 3."""
        return any(
            2 in values or 3 in values
            for values in (
                self.currents_a,
                self.voltages_v,
                self.phase_overload_currents_a,
            )
        )


type _Fields = dict[str, Any]
# What one group does to a reading, as steps (field, key, value): a key of
# None sets the field, any other key puts the value in the field's mapping.
type _Key = int | str | tuple[int, str] | None
type _Step = tuple[str, _Key, object]
type _Steps = tuple[_Step, ...]
type _Handler = Callable[[Group], _Steps]

_NO_STEPS: Final[_Steps] = ()
# Fields gathered while a frame is read, turned into public ones at the end.
_SUPPLIER_COLOUR: Final = "_supplier_colour"
_MESSAGES: Final = "_messages"
_PEAKS: Final = "_peaks"


def _set_int(name: str) -> _Handler:
    """Store a decimal data field as an integer."""

    def handle(group: Group) -> _Steps:
        return ((name, None, int(group.value)),)

    return handle


def _set_text(name: str) -> _Handler:
    """Store a text data field without its padding."""

    def handle(group: Group) -> _Steps:
        return ((name, None, group.value.strip()),)

    return handle


def _indexed(name: str, key: int | str) -> _Handler:
    """Store a decimal data field in a mapping under a fixed key."""

    def handle(group: Group) -> _Steps:
        return ((name, key, int(group.value)),)

    return handle


def _timed(group: Group) -> Timed | None:
    """Pair a horodated decimal group's value with its timestamp."""
    moment = parse_horodate(group.horodate) if group.horodate else None
    return None if moment is None else Timed(int(group.value), moment)


def _set_timed(name: str, phase: int | None = None) -> _Handler:
    """Store a horodated decimal group, optionally under a phase number."""

    def handle(group: Group) -> _Steps:
        timed = _timed(group)
        return _NO_STEPS if timed is None else ((name, phase, timed),)

    return handle


def _energy(label: str) -> _Handler:
    """Store an active energy index in Wh."""
    return _indexed("energy_wh", label.lower())


def _reactive(label: str) -> _Handler:
    """Store a reactive energy index in VArh."""
    return _indexed("reactive_energy_varh", label.lower())


def _address(group: Group) -> _Steps:
    """Store the meter address and what it says about the meter."""
    return (
        ("meter_address", None, group.value),
        ("address", None, decode_address(group.value)),
    )


def _contract(group: Group) -> _Steps:
    """Store the contract name and family."""
    name = group.value.strip()
    return (("contract", None, name), ("contract_kind", None, contract_kind(name)))


def _historical_tariff(group: Group) -> _Steps:
    """Store PTEC: the period and, on Tempo, today's colour."""
    period, colour = historical_period(group.value)
    steps: _Steps = (
        ("tariff_label", None, group.value),
        ("tariff_period", None, period),
    )
    return steps if colour is None else (*steps, ("tempo_today", None, colour))


def _standard_tariff(group: Group) -> _Steps:
    """Store LTARF: the supplier's label, the period it names, maybe a colour."""
    label = group.value.strip()
    return (
        ("tariff_label", None, label),
        ("tariff_period", None, standard_period(label)),
        # The status register's colours, when sent, take precedence.
        (_SUPPLIER_COLOUR, None, standard_colour(label)),
    )


def _tomorrow(group: Group) -> _Steps:
    """Store DEMAIN: tomorrow's announced Tempo colour."""
    return (("tempo_tomorrow", None, tomorrow_colour(group.value)),)


def _status(group: Group) -> _Steps:
    """Store STGE, whose Tempo colours take precedence over LTARF's words."""
    status = decode_status(group.value)
    if status is None:
        return (("status", None, None),)
    return (
        ("status", None, status),
        ("tempo_today", None, status.tempo_today),
        ("tempo_tomorrow", None, status.tempo_tomorrow),
    )


def _meter_time(group: Group) -> _Steps:
    """Store DATE, the meter's clock."""
    moment = parse_horodate(group.horodate) if group.horodate else None
    return (("meter_time", None, moment),)


def _missing_phases(group: Group) -> _Steps:
    """Store PPOT: bit n set means phase n has no voltage."""
    bits = int(group.value, 16)
    phases = frozenset(phase for phase in (1, 2, 3) if bits >> phase & 1)
    return (("missing_phases", None, phases),)


def _relays(group: Group) -> _Steps:
    """Store RELAIS: bit n-1 gives relay n (relay 1 is the dry contact)."""
    bits = int(group.value)
    closed = tuple(bool(bits >> relay & 1) for relay in range(8))
    return (("relays_closed", None, closed),)


def _message(group: Group) -> _Steps:
    """Store a non-empty supplier or distributor message."""
    text = group.value.strip()
    return ((_MESSAGES, group.label, text),) if text else _NO_STEPS


def _profile(name: str) -> _Handler:
    """Store a day profile (PJOURF+1, PPOINTE)."""

    def handle(group: Group) -> _Steps:
        return ((name, None, parse_day_profile(group.value)),)

    return handle


def _mobile_peak(number: int, bound: str) -> _Handler:
    """Store the start (DPMn) or the end (FPMn) of a mobile peak."""

    def handle(group: Group) -> _Steps:
        moment = parse_horodate(group.horodate) if group.horodate else None
        return ((_PEAKS, (number, bound), moment),)

    return handle


def _phase_labels(prefix: str, name: str, suffix: str = "") -> dict[str, _Handler]:
    """Map the three per-phase labels of a quantity to their handlers."""
    return {f"{prefix}{phase}{suffix}": _indexed(name, phase) for phase in (1, 2, 3)}


def _phase_timed(prefix: str, name: str, suffix: str = "") -> dict[str, _Handler]:
    """Map the three per-phase labels of a horodated quantity to their handlers."""
    return {f"{prefix}{phase}{suffix}": _set_timed(name, phase) for phase in (1, 2, 3)}


_HANDLERS: Final[dict[str, _Handler]] = {
    # Identity and clock.
    "ADCO": _address,
    "ADSC": _address,
    "PRM": _set_text("prm"),
    "VTIC": _set_text("tic_version"),
    "DATE": _meter_time,
    # Contract and tariff.
    "OPTARIF": _contract,
    "NGTF": _contract,
    "PTEC": _historical_tariff,
    "LTARF": _standard_tariff,
    "NTARF": _set_int("supplier_index"),
    "DEMAIN": _tomorrow,
    "HHPHC": _set_text("schedule_group"),
    "PEJP": _set_int("ejp_notice_minutes"),
    "NJOURF": _set_int("supplier_day"),
    "NJOURF+1": _set_int("next_supplier_day"),
    "PJOURF+1": _profile("next_day_profile"),
    "PPOINTE": _profile("next_peak_day_profile"),
    **{f"DPM{number}": _mobile_peak(number, "start") for number in (1, 2, 3)},
    **{f"FPM{number}": _mobile_peak(number, "end") for number in (1, 2, 3)},
    # Power, current, voltage.
    "PAPP": _set_int("apparent_power_va"),
    "SINSTS": _set_int("apparent_power_va"),
    **_phase_labels("SINSTS", "phase_apparent_power_va"),
    "SINSTI": _set_int("injected_apparent_power_va"),
    "IINST": _indexed("currents_a", 1),
    **_phase_labels("IINST", "currents_a"),
    **_phase_labels("IRMS", "currents_a"),
    "IMAX": _indexed("max_currents_a", 1),
    **_phase_labels("IMAX", "max_currents_a"),
    **_phase_labels("URMS", "voltages_v"),
    **_phase_timed("UMOY", "average_voltages_v"),
    # Subscription, limits and overload warnings.
    "ISOUSC": _set_int("subscribed_current_a"),
    "PREF": _set_int("subscribed_power_kva"),
    "PCOUP": _set_int("cutoff_power_kva"),
    "PMAX": _set_int("max_power_w"),
    "ADPS": _set_int("overload_current_a"),
    **_phase_labels("ADIR", "phase_overload_currents_a"),
    # Daily maxima and load curve.
    "SMAXSN": _set_timed("max_apparent_power_today"),
    "SMAXSN-1": _set_timed("max_apparent_power_yesterday"),
    **_phase_timed("SMAXSN", "phase_max_apparent_power_today"),
    **_phase_timed("SMAXSN", "phase_max_apparent_power_yesterday", "-1"),
    "SMAXIN": _set_timed("max_injected_power_today"),
    "SMAXIN-1": _set_timed("max_injected_power_yesterday"),
    "CCASN": _set_timed("load_curve_w"),
    "CCASN-1": _set_timed("previous_load_curve_w"),
    "CCAIN": _set_timed("injected_load_curve_w"),
    "CCAIN-1": _set_timed("previous_injected_load_curve_w"),
    # Energy indexes.
    **{label: _energy(label) for label in HISTORICAL_INDEX_LABELS},
    **{label: _energy(label) for label in STANDARD_INDEX_LABELS},
    **{label: _reactive(label) for label in REACTIVE_INDEX_LABELS},
    "GAZ": _indexed("pulse_counts", "gaz"),
    "AUTRE": _indexed("pulse_counts", "autre"),
    # Status and outputs.
    "STGE": _status,
    "MOTDETAT": _set_text("status_word"),
    "PPOT": _missing_phases,
    "RELAIS": _relays,
    "MSG1": _message,
    "MSG2": _message,
}
# Early meters' label variants share their current names' handlers.
_HANDLERS.update(
    {
        alias: _HANDLERS[label]
        for alias, label in LABEL_ALIASES.items()
        if label in _HANDLERS
    }
)

# The mapping fields, which have no class-level default to fall back on.
_MAPPINGS: Final = tuple(
    item.name for item in dataclass_fields(MeterReading) if item.default_factory is dict
)

# Most groups repeat unchanged from frame to frame, and a group always reads
# the same way (the meter address's century guess aside, which changes only
# for an address dated two years ahead), so what each group does to a reading
# is memoised, once for every meter read. Groups that change in every frame
# (power, an index, the meter's clock) fill it up: it is bounded, and keeps
# the groups still in use (see Memo).
_MEMO_SIZE: Final = 4096
_new: Final = object.__new__
_set: Final = object.__setattr__


class _Marker(Enum):
    """Mark a memo entry that holds several steps, or none."""

    SEVERAL = auto()


# A memo entry is either the single step of a group that fills one public
# field, which the hot loop applies inline, or ("", SEVERAL, steps).
type _Entry = tuple[str, _Key | _Marker, object]
_SEVERAL: Final = _Marker.SEVERAL
_PUBLIC_FIELDS: Final = frozenset(item.name for item in dataclass_fields(MeterReading))


def _entry(group: Group) -> _Entry:
    """Read what a group not in the memo does to a reading, and memoise it."""
    handler = _HANDLERS.get(group.label)
    steps = _NO_STEPS if handler is None else handler(group)
    entry: _Entry
    if len(steps) == 1 and steps[0][0] in _PUBLIC_FIELDS:
        entry = steps[0]
    else:
        entry = ("", _SEVERAL, steps)
    _memo.remember(group, entry)
    return entry


_memo: Memo[Group, _Entry] = Memo(_entry, _MEMO_SIZE)


def _apply(found: _Fields, steps: _Steps) -> None:
    """Apply the steps of a group that gives several fields, or a private one."""
    for name, key, value in steps:
        if key is None:
            found[name] = value
        else:
            found.setdefault(name, {})[key] = value


def _gathered(found: _Fields) -> None:
    """Turn what several groups gave together into the public fields."""
    if _SUPPLIER_COLOUR in found:
        found.setdefault("tempo_today", found.pop(_SUPPLIER_COLOUR))
    if _MESSAGES in found:
        found["messages"] = tuple(found.pop(_MESSAGES).values())
    if _PEAKS in found:
        peaks = found.pop(_PEAKS)
        found["mobile_peaks"] = tuple(
            MobilePeak(
                number=number,
                start=peaks.get((number, "start")),
                end=peaks.get((number, "end")),
            )
            for number in sorted({number for number, _ in peaks})
        )


def reading_from_frame(frame: Frame) -> MeterReading:
    """Build the typed reading of one frame of checked groups."""
    found: _Fields = {name: {} for name in _MAPPINGS}
    found["mode"] = frame.mode
    memoised = _memo.__getitem__
    groups = frame.groups
    for group in groups.values():
        name, key, value = memoised(group)
        if key is None:
            found[name] = value
        elif key is _SEVERAL:
            _apply(found, value)  # type: ignore[arg-type]
        else:
            found[name][key] = value
    if _SUPPLIER_COLOUR in found or _MESSAGES in found or _PEAKS in found:
        _gathered(found)
    if "ADIR1" in groups or "ADIR2" in groups or "ADIR3" in groups:
        found["short_frame"] = "PAPP" not in groups
    # The generated __init__ of some fifty keyword fields costs more than
    # reading the frame: the reading gets its fields directly instead, and
    # those no group gave fall back to the class defaults.
    reading = _new(MeterReading)
    _set(reading, "__dict__", found)
    return reading
