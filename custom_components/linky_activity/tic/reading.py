"""Turn one frame into a typed, unit-bearing meter reading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from .address import MeterAddress, decode_address
from .horodate import Horodate, parse_horodate
from .labels import (
    HISTORICAL_INDEX_LABELS,
    REACTIVE_INDEX_LABELS,
    STANDARD_INDEX_LABELS,
    canonical_label,
)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterReading:
    """Hold the typed content of one frame; absent labels stay None or empty.

    Units are in the field names. Per-phase mappings are keyed by phase number
    (1-3); a single-phase meter's current is phase 1. Energy indexes are keyed
    by their label in lower case (``base``, ``hchc``, ``bbrhcjb``, ``east``,
    ``easf01``, ``easd04``, ``eait``...); `pulse_counts` holds the GAZ and
    AUTRE counters some pre-Linky meters relay from other meters.
    `meter_address` and `prm` identify a household: they are left out of
    `repr` and must never be logged.
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
type _Handler = Callable[[_Fields, "Group"], None]


def _set_int(name: str) -> _Handler:
    """Store a decimal data field as an integer."""

    def handle(fields: _Fields, group: Group) -> None:
        fields[name] = int(group.value)

    return handle


def _set_text(name: str) -> _Handler:
    """Store a text data field without its padding."""

    def handle(fields: _Fields, group: Group) -> None:
        fields[name] = group.value.strip()

    return handle


def _set_phase(name: str, phase: int) -> _Handler:
    """Store a decimal data field under a phase number."""

    def handle(fields: _Fields, group: Group) -> None:
        fields.setdefault(name, {})[phase] = int(group.value)

    return handle


def _timed(group: Group) -> Timed | None:
    """Pair a horodated decimal group's value with its timestamp."""
    moment = parse_horodate(group.horodate) if group.horodate else None
    return None if moment is None else Timed(int(group.value), moment)


def _set_timed(name: str, phase: int | None = None) -> _Handler:
    """Store a horodated decimal group, optionally under a phase number."""

    def handle(fields: _Fields, group: Group) -> None:
        timed = _timed(group)
        if timed is None:
            return
        if phase is None:
            fields[name] = timed
        else:
            fields.setdefault(name, {})[phase] = timed

    return handle


def _energy(label: str) -> _Handler:
    """Store an active energy index in Wh."""
    return _indexed("energy_wh", label.lower())


def _reactive(label: str) -> _Handler:
    """Store a reactive energy index in VArh."""
    return _indexed("reactive_energy_varh", label.lower())


def _indexed(name: str, key: str) -> _Handler:
    """Store a decimal data field in a mapping under a fixed key."""

    def handle(fields: _Fields, group: Group) -> None:
        fields.setdefault(name, {})[key] = int(group.value)

    return handle


def _address(fields: _Fields, group: Group) -> None:
    """Store the meter address and what it says about the meter."""
    fields["meter_address"] = group.value
    fields["address"] = decode_address(group.value)


def _contract(fields: _Fields, group: Group) -> None:
    """Store the contract name and family."""
    name = group.value.strip()
    fields["contract"] = name
    fields["contract_kind"] = contract_kind(name)


def _historical_tariff(fields: _Fields, group: Group) -> None:
    """Store PTEC: the period and, on Tempo, today's colour."""
    fields["tariff_label"] = group.value
    period, colour = historical_period(group.value)
    fields["tariff_period"] = period
    if colour is not None:
        fields["tempo_today"] = colour


def _standard_tariff(fields: _Fields, group: Group) -> None:
    """Store LTARF: the supplier's label and the period it names."""
    label = group.value.strip()
    fields["tariff_label"] = label
    fields["tariff_period"] = standard_period(label)
    fields.setdefault("tempo_today", standard_colour(label))


def _tomorrow(fields: _Fields, group: Group) -> None:
    """Store DEMAIN: tomorrow's announced Tempo colour."""
    fields["tempo_tomorrow"] = tomorrow_colour(group.value)


def _status(fields: _Fields, group: Group) -> None:
    """Store STGE, whose Tempo colours take precedence over LTARF's words."""
    status = decode_status(group.value)
    fields["status"] = status
    if status is not None:
        fields["tempo_today"] = status.tempo_today
        fields["tempo_tomorrow"] = status.tempo_tomorrow


def _meter_time(fields: _Fields, group: Group) -> None:
    """Store DATE, the meter's clock."""
    fields["meter_time"] = parse_horodate(group.horodate) if group.horodate else None


def _missing_phases(fields: _Fields, group: Group) -> None:
    """Store PPOT: bit n set means phase n has no voltage."""
    bits = int(group.value, 16)
    fields["missing_phases"] = frozenset(
        phase for phase in (1, 2, 3) if bits >> phase & 1
    )


def _relays(fields: _Fields, group: Group) -> None:
    """Store RELAIS: bit n-1 gives relay n (relay 1 is the dry contact)."""
    bits = int(group.value)
    fields["relays_closed"] = tuple(bool(bits >> relay & 1) for relay in range(8))


def _message(fields: _Fields, group: Group) -> None:
    """Store a non-empty supplier or distributor message."""
    text = group.value.strip()
    if text:
        fields["messages"] = (*fields.get("messages", ()), text)


def _profile(name: str) -> _Handler:
    """Store a day profile (PJOURF+1, PPOINTE)."""

    def handle(fields: _Fields, group: Group) -> None:
        fields[name] = parse_day_profile(group.value)

    return handle


def _mobile_peak(number: int, end: bool) -> _Handler:
    """Store the start (DPMn) or the end (FPMn) of a mobile peak."""

    def handle(fields: _Fields, group: Group) -> None:
        moment = parse_horodate(group.horodate) if group.horodate else None
        peaks: dict[int, dict[str, Horodate | None]] = fields.setdefault("_peaks", {})
        peaks.setdefault(number, {})["end" if end else "start"] = moment

    return handle


def _phase_labels(prefix: str, name: str, suffix: str = "") -> dict[str, _Handler]:
    """Map the three per-phase labels of a quantity to their handlers."""
    return {f"{prefix}{phase}{suffix}": _set_phase(name, phase) for phase in (1, 2, 3)}


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
    **{f"DPM{number}": _mobile_peak(number, end=False) for number in (1, 2, 3)},
    **{f"FPM{number}": _mobile_peak(number, end=True) for number in (1, 2, 3)},
    # Power, current, voltage.
    "PAPP": _set_int("apparent_power_va"),
    "SINSTS": _set_int("apparent_power_va"),
    **_phase_labels("SINSTS", "phase_apparent_power_va"),
    "SINSTI": _set_int("injected_apparent_power_va"),
    "IINST": _set_phase("currents_a", 1),
    **_phase_labels("IINST", "currents_a"),
    **_phase_labels("IRMS", "currents_a"),
    "IMAX": _set_phase("max_currents_a", 1),
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


def reading_from_frame(frame: Frame) -> MeterReading:
    """Build the typed reading of one frame of checked groups."""
    fields: _Fields = {"mode": frame.mode}
    for label, group in frame.groups.items():
        handler = _HANDLERS.get(canonical_label(label))
        if handler is not None:
            handler(fields, group)
    peaks = fields.pop("_peaks", None)
    if peaks:
        fields["mobile_peaks"] = tuple(
            MobilePeak(number=number, **bounds)
            for number, bounds in sorted(peaks.items())
        )
    if "ADIR1" in frame.groups or "ADIR2" in frame.groups or "ADIR3" in frame.groups:
        fields["short_frame"] = "PAPP" not in frame.groups
    return MeterReading(**fields)
