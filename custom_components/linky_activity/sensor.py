"""Expose the meter's measurements, indexes and tariff as sensors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    EntityCategory,
    UnitOfApparentPower,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfReactiveEnergy,
    UnitOfTime,
)

from .activity_sensor import async_add_activity_sensors
from .entity import LinkyEntity, add_entities_as_labels_appear
from .publish import Aggregate
from .tic.labels import HISTORICAL_INDEX_LABELS, REACTIVE_INDEX_LABELS
from .tic.status import BreakerState
from .tic.tariff import ContractKind, TariffPeriod, TempoColour

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .hub import LinkyConfigEntry, LinkyHub
    from .tic.reading import MeterReading

# Entities write at most once per publish interval; the hub serialises them.
PARALLEL_UPDATES = 0

PHASES = (1, 2, 3)


@dataclass(frozen=True, kw_only=True)
class LinkySensorEntityDescription(SensorEntityDescription):
    """Describe a sensor read from each meter reading."""

    value_fn: Callable[[MeterReading], StateType]
    # Given the reading and the number of phases (None until settled).
    exists_fn: Callable[[MeterReading, int | None], bool] | None = None
    aggregate: Aggregate = Aggregate.LATEST
    digits: int = 0
    # Unused supplier and distributor indexes stay at 0 for ever: their
    # sensors are created disabled rather than cluttering the device page.
    enabled_if_nonzero: bool = False

    def exists(self, reading: MeterReading, phases: int | None) -> bool:
        """Tell whether the meter sends what this sensor shows."""
        if self.exists_fn is not None:
            return self.exists_fn(reading, phases)
        return self.value_fn(reading) is not None


@dataclass(frozen=True, kw_only=True)
class LinkyLinkSensorEntityDescription(SensorEntityDescription):
    """Describe a sensor about the health of the link, read from the hub."""

    value_fn: Callable[[LinkyHub], StateType]


def _phase_value(
    values: Callable[[MeterReading], dict[int, int]], phase: int
) -> Callable[[MeterReading], StateType]:
    """Return a reader of one phase of a per-phase quantity."""
    return lambda reading: values(reading).get(phase)


def _phase_present(
    values: Callable[[MeterReading], dict[int, int]], phase: int
) -> Callable[[MeterReading, int | None], bool]:
    """Return a test for a three-phase meter that sends this phase."""
    return lambda reading, phases: phases == 3 and phase in values(reading)


def _single_phase_present(
    values: Callable[[MeterReading], dict[int, int]],
) -> Callable[[MeterReading, int | None], bool]:
    """Return a test for a single-phase meter that sends the quantity."""
    return lambda reading, phases: phases == 1 and 1 in values(reading)


def _per_phase(
    single: LinkySensorEntityDescription,
    values: Callable[[MeterReading], dict[int, int]],
) -> tuple[LinkySensorEntityDescription, ...]:
    """Describe a quantity as one sensor on single-phase meters, three on others."""
    return (
        replace(single, exists_fn=_single_phase_present(values)),
        *(
            replace(
                single,
                key=f"{single.key}_phase_{phase}",
                translation_key=f"{single.translation_key}_phase",
                translation_placeholders={"phase": str(phase)},
                value_fn=_phase_value(values, phase),
                exists_fn=_phase_present(values, phase),
            )
            for phase in PHASES
        ),
    )


def _energy_value(key: str) -> Callable[[MeterReading], StateType]:
    """Return a reader of one active energy index."""
    return lambda reading: reading.energy_wh.get(key)


def _reactive_value(key: str) -> Callable[[MeterReading], StateType]:
    """Return a reader of one reactive energy index."""
    return lambda reading: reading.reactive_energy_varh.get(key)


def _index(key: str, translation_key: str) -> LinkySensorEntityDescription:
    """Describe one active energy index, usable by the Energy dashboard."""
    return LinkySensorEntityDescription(
        key=f"index_{key}",
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        aggregate=Aggregate.INDEX,
        value_fn=_energy_value(key),
    )


def _numbered_index(
    prefix: str, number: int, translation_key: str
) -> LinkySensorEntityDescription:
    """Describe one numbered standard-mode index (EASFnn, EASDnn)."""
    return replace(
        _index(f"{prefix}{number:02d}", translation_key),
        translation_placeholders={"index": str(number)},
    )


# ---- Power, current, voltage --------------------------------------------

POWER_SENSORS: tuple[LinkySensorEntityDescription, ...] = (
    LinkySensorEntityDescription(
        key="apparent_power",
        translation_key="apparent_power",
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        aggregate=Aggregate.MEAN,
        value_fn=lambda reading: reading.apparent_power_va,
    ),
    *(
        LinkySensorEntityDescription(
            key=f"apparent_power_phase_{phase}",
            translation_key="apparent_power_phase",
            translation_placeholders={"phase": str(phase)},
            device_class=SensorDeviceClass.APPARENT_POWER,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
            aggregate=Aggregate.MEAN,
            value_fn=_phase_value(
                lambda reading: reading.phase_apparent_power_va, phase
            ),
        )
        for phase in PHASES
    ),
    LinkySensorEntityDescription(
        key="injected_apparent_power",
        translation_key="injected_apparent_power",
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        aggregate=Aggregate.MEAN,
        value_fn=lambda reading: reading.injected_apparent_power_va,
    ),
    LinkySensorEntityDescription(
        key="max_apparent_power_today",
        translation_key="max_apparent_power_today",
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda reading: (
            None
            if reading.max_apparent_power_today is None
            else reading.max_apparent_power_today.value
        ),
    ),
    *_per_phase(
        LinkySensorEntityDescription(
            key="current",
            translation_key="current",
            device_class=SensorDeviceClass.CURRENT,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
            suggested_display_precision=1,
            aggregate=Aggregate.MEAN,
            digits=1,
            value_fn=lambda reading: reading.currents_a.get(1),
        ),
        lambda reading: reading.currents_a,
    ),
    *_per_phase(
        LinkySensorEntityDescription(
            key="voltage",
            translation_key="voltage",
            device_class=SensorDeviceClass.VOLTAGE,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfElectricPotential.VOLT,
            suggested_display_precision=0,
            aggregate=Aggregate.MEAN,
            digits=1,
            value_fn=lambda reading: reading.voltages_v.get(1),
        ),
        lambda reading: reading.voltages_v,
    ),
    *_per_phase(
        LinkySensorEntityDescription(
            key="max_current",
            translation_key="max_current",
            device_class=SensorDeviceClass.CURRENT,
            native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            value_fn=lambda reading: reading.max_currents_a.get(1),
        ),
        lambda reading: reading.max_currents_a,
    ),
)

# ---- Energy indexes -------------------------------------------------------

INDEX_SENSORS: tuple[LinkySensorEntityDescription, ...] = (
    *(
        _index(label.lower(), f"index_{label.lower()}")
        for label in HISTORICAL_INDEX_LABELS
    ),
    _index("east", "index_east"),
    *(
        replace(
            _numbered_index("easf", number, "index_supplier"),
            enabled_if_nonzero=True,
        )
        for number in range(1, 11)
    ),
    *(
        replace(
            _numbered_index("easd", number, "index_distributor"),
            entity_registry_enabled_default=False,
        )
        for number in range(1, 5)
    ),
    _index("eait", "index_injected"),
    *(
        LinkySensorEntityDescription(
            key=f"index_{label.lower()}",
            translation_key="index_reactive",
            translation_placeholders={"quadrant": label[-1]},
            device_class=SensorDeviceClass.REACTIVE_ENERGY,
            state_class=SensorStateClass.TOTAL_INCREASING,
            native_unit_of_measurement=UnitOfReactiveEnergy.VOLT_AMPERE_REACTIVE_HOUR,
            entity_registry_enabled_default=False,
            aggregate=Aggregate.INDEX,
            value_fn=_reactive_value(label.lower()),
        )
        for label in REACTIVE_INDEX_LABELS
    ),
)

# ---- Tariff and contract --------------------------------------------------

TARIFF_SENSORS: tuple[LinkySensorEntityDescription, ...] = (
    LinkySensorEntityDescription(
        key="tariff_period",
        translation_key="tariff_period",
        device_class=SensorDeviceClass.ENUM,
        options=[period.value for period in TariffPeriod],
        value_fn=lambda reading: reading.tariff_period,
        exists_fn=lambda reading, _: reading.tariff_label is not None,
    ),
    LinkySensorEntityDescription(
        key="tariff_label",
        translation_key="tariff_label",
        entity_registry_enabled_default=False,
        value_fn=lambda reading: reading.tariff_label,
    ),
    LinkySensorEntityDescription(
        key="tempo_today",
        translation_key="tempo_today",
        device_class=SensorDeviceClass.ENUM,
        options=[colour.value for colour in TempoColour],
        value_fn=lambda reading: reading.tempo_today,
    ),
    LinkySensorEntityDescription(
        key="tempo_tomorrow",
        translation_key="tempo_tomorrow",
        device_class=SensorDeviceClass.ENUM,
        options=[colour.value for colour in TempoColour],
        value_fn=lambda reading: reading.tempo_tomorrow,
        exists_fn=lambda reading, _: (
            reading.tempo_tomorrow is not None or reading.tempo_today is not None
        ),
    ),
    LinkySensorEntityDescription(
        key="ejp_notice",
        translation_key="ejp_notice",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=lambda reading: reading.ejp_notice_minutes,
    ),
    LinkySensorEntityDescription(
        key="contract",
        translation_key="contract",
        device_class=SensorDeviceClass.ENUM,
        options=[kind.value for kind in ContractKind],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda reading: reading.contract_kind,
        exists_fn=lambda reading, _: reading.contract is not None,
    ),
    LinkySensorEntityDescription(
        key="contract_label",
        translation_key="contract_label",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda reading: reading.contract,
    ),
)

# ---- Subscription and limits ----------------------------------------------

LIMIT_SENSORS: tuple[LinkySensorEntityDescription, ...] = (
    LinkySensorEntityDescription(
        key="subscribed_current",
        translation_key="subscribed_current",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda reading: reading.subscribed_current_a,
    ),
    LinkySensorEntityDescription(
        key="subscribed_power",
        translation_key="subscribed_power",
        device_class=SensorDeviceClass.APPARENT_POWER,
        native_unit_of_measurement=UnitOfApparentPower.KILO_VOLT_AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda reading: reading.subscribed_power_kva,
    ),
    LinkySensorEntityDescription(
        key="cutoff_power",
        translation_key="cutoff_power",
        device_class=SensorDeviceClass.APPARENT_POWER,
        native_unit_of_measurement=UnitOfApparentPower.KILO_VOLT_AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda reading: reading.cutoff_power_kva,
    ),
    LinkySensorEntityDescription(
        key="breaker",
        translation_key="breaker",
        device_class=SensorDeviceClass.ENUM,
        options=[state.name.lower() for state in BreakerState],
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda reading: (
            None
            if reading.status is None or reading.status.breaker is None
            else reading.status.breaker.name.lower()
        ),
        exists_fn=lambda reading, _: reading.status is not None,
    ),
)

METER_SENSORS: tuple[LinkySensorEntityDescription, ...] = (
    *POWER_SENSORS,
    *INDEX_SENSORS,
    *TARIFF_SENSORS,
    *LIMIT_SENSORS,
)

# ---- Link health ------------------------------------------------------------

LINK_SENSORS: tuple[LinkyLinkSensorEntityDescription, ...] = (
    LinkyLinkSensorEntityDescription(
        key="frames_per_second",
        translation_key="frames_per_second",
        native_unit_of_measurement="frames/s",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda hub: hub.frames_per_second,
    ),
    LinkyLinkSensorEntityDescription(
        key="rejected_groups",
        translation_key="rejected_groups",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda hub: hub.connection.rejected_groups,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LinkyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the link sensors, and the meter sensors as their labels appear."""
    async_add_activity_sensors(hass, entry, async_add_entities)
    hub = entry.runtime_data
    async_add_entities(
        LinkyLinkSensor(hub, description) for description in LINK_SENSORS
    )
    add_entities_as_labels_appear(
        entry,
        METER_SENSORS,
        lambda description, reading: description.exists(reading, hub.connection.phases),
        lambda description: LinkySensor(hub, description),
        async_add_entities,
    )


class LinkySensor(LinkyEntity, SensorEntity):
    """Show one quantity the meter sends."""

    entity_description: LinkySensorEntityDescription

    def __init__(
        self, hub: LinkyHub, description: LinkySensorEntityDescription
    ) -> None:
        super().__init__(hub, description, description.aggregate, description.digits)
        if description.enabled_if_nonzero and hub.latest is not None:
            self._attr_entity_registry_enabled_default = bool(
                description.value_fn(hub.latest)
            )

    @override
    def read(self, reading: MeterReading) -> float | str | bool | None:
        """Return this sensor's value in one reading."""
        return self.entity_description.value_fn(reading)

    @override
    def _set_value(self, value: float | str | bool | None) -> None:
        """Store the value as the native value."""
        self._attr_native_value = value


class LinkyLinkSensor(LinkyEntity, SensorEntity):
    """Show how well the link to the meter works; available while it runs."""

    entity_description: LinkyLinkSensorEntityDescription

    def __init__(
        self, hub: LinkyHub, description: LinkyLinkSensorEntityDescription
    ) -> None:
        super().__init__(hub, description, Aggregate.LATEST)

    @property
    @override
    def available(self) -> bool:
        """Stay available: a silent link is exactly what these sensors show."""
        return True

    @override
    def read(self, reading: MeterReading) -> float | str | bool | None:
        """Return the hub's figure; the reading itself is not needed."""
        return self.entity_description.value_fn(self.hub)

    @override
    def _set_value(self, value: float | str | bool | None) -> None:
        """Store the value as the native value."""
        self._attr_native_value = value

    @override
    def _on_publish(self) -> None:
        """Write the hub's figure even when no frame came in the interval."""
        self.aggregator.add(self.entity_description.value_fn(self.hub))
        super()._on_publish()
