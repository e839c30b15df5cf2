"""Add, discover, reconfigure and tune a Linky meter from the UI."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, nullcontext
import logging
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.components import usb
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    SerialPortSelector,
)
import probatio

from .activity_options import activity_options_from_input, activity_options_schema
from .const import (
    CONF_MODE,
    CONF_PUBLISH_INTERVAL,
    DOMAIN,
    MAX_PUBLISH_INTERVAL_S,
    MIN_PUBLISH_INTERVAL_S,
    MODE_AUTO,
    MODES,
)

# The hub is imported here, in the executor where Home Assistant loads config
# flows, so that the package's __init__ finds it already loaded.
from .hub import LinkyHub, entry_publish_interval
from .identity import meter_unique_id
from .probe import ProbeError, ProbeResult, probe_port
from .tic.frame import TicMode

if TYPE_CHECKING:
    from homeassistant.helpers.service_info.usb import UsbServiceInfo

    from .tic.reading import MeterReading

_LOGGER = logging.getLogger(__name__)

TITLE: Final = "Linky"


def _port_schema(port: str | None, mode: str) -> probatio.Schema:
    """Build the port and mode form, filled with the current choice."""
    port_key = (
        probatio.Required(CONF_PORT)
        if port is None
        else probatio.Required(CONF_PORT, default=port)
    )
    return probatio.Schema(
        {
            port_key: SerialPortSelector(),
            probatio.Required(CONF_MODE, default=mode): SelectSelector(
                SelectSelectorConfig(
                    options=list(MODES),
                    mode=SelectSelectorMode.LIST,
                    translation_key=CONF_MODE,
                )
            ),
        }
    )


def _mode(option: str) -> TicMode | None:
    """Turn the mode option into a TIC mode, None for auto."""
    return None if option == MODE_AUTO else TicMode(option)


def _describe(reading: MeterReading) -> dict[str, str]:
    """Give the form placeholders that tell the user which meter answered."""
    address = reading.address
    return {
        "mode": reading.mode.value,
        "manufacturer": (address.manufacturer or "?") if address else "?",
        "year": str(address.year) if address else "?",
    }


class LinkyActivityConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up one meter per config entry."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        self._discovered_port: str | None = None
        self._discovered: ProbeResult | None = None

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> LinkyOptionsFlow:
        """Return the options flow."""
        return LinkyOptionsFlow()

    async def _async_probe(
        self, port: str, mode: str, errors: dict[str, str]
    ) -> ProbeResult | None:
        """Read a frame from the port, or fill `errors` with why it failed."""
        try:
            result = await probe_port(port, _mode(mode))
        except ProbeError as err:
            _LOGGER.debug("Probing %s failed: %s (%s)", port, err.reason, err)
            errors["base"] = err.reason
            return None
        return result

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the port and the mode, and check a meter answers there."""
        errors: dict[str, str] = {}
        if user_input is not None:
            port, mode = user_input[CONF_PORT], user_input[CONF_MODE]
            result = await self._async_probe(port, mode, errors)
            if result is not None:
                await self.async_set_unique_id(meter_unique_id(result.meter_address))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=TITLE, data={CONF_PORT: port, CONF_MODE: mode}
                )

        port_default = None if user_input is None else user_input[CONF_PORT]
        mode_default = MODE_AUTO if user_input is None else user_input[CONF_MODE]
        return self.async_show_form(
            step_id="user",
            data_schema=_port_schema(port_default, mode_default),
            errors=errors,
        )

    @override
    async def async_step_usb(self, discovery_info: UsbServiceInfo) -> ConfigFlowResult:
        """Check that a discovered TIC dongle has a meter behind it."""
        port = await self.hass.async_add_executor_job(
            usb.get_serial_by_id, discovery_info.device
        )
        self._async_abort_entries_match({CONF_PORT: port})
        errors: dict[str, str] = {}
        result = await self._async_probe(port, MODE_AUTO, errors)
        if result is None:
            return self.async_abort(reason="not_linky")

        await self.async_set_unique_id(meter_unique_id(result.meter_address))
        self._abort_if_unique_id_configured(updates={CONF_PORT: port})
        self._discovered_port = port
        self._discovered = result
        self.context["title_placeholders"] = {"name": TITLE}
        return await self.async_step_usb_confirm()

    async def async_step_usb_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask the user to confirm the discovered meter."""
        assert self._discovered_port is not None
        assert self._discovered is not None
        if user_input is not None:
            return self.async_create_entry(
                title=TITLE,
                data={CONF_PORT: self._discovered_port, CONF_MODE: MODE_AUTO},
            )
        self._set_confirm_only()
        return self.async_show_form(
            step_id="usb_confirm",
            description_placeholders={
                "port": self._discovered_port,
                **_describe(self._discovered.reading),
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the port or the mode of a configured meter."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            port, mode = user_input[CONF_PORT], user_input[CONF_MODE]
            async with self._port_free(entry, port):
                result = await self._async_probe(port, mode, errors)
            if result is not None:
                await self.async_set_unique_id(meter_unique_id(result.meter_address))
                self._abort_if_unique_id_mismatch(reason="wrong_meter")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PORT: port, CONF_MODE: mode}
                )

        current = user_input or entry.data
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_port_schema(
                current[CONF_PORT], current.get(CONF_MODE, MODE_AUTO)
            ),
            errors=errors,
        )

    def _port_free(
        self, entry: ConfigEntry, port: str
    ) -> AbstractAsyncContextManager[None]:
        """Let the probe use a port the running entry holds open, if it does."""
        if (
            entry.state is ConfigEntryState.LOADED
            and entry.data[CONF_PORT] == port
            and isinstance(hub := entry.runtime_data, LinkyHub)
        ):
            return hub.async_port_released()
        return nullcontext()


class LinkyOptionsFlow(OptionsFlow):
    """Tune how the integration publishes the meter's values."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the publish interval."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    **self.config_entry.options,
                    CONF_PUBLISH_INTERVAL: int(user_input[CONF_PUBLISH_INTERVAL]),
                    **activity_options_from_input(user_input),
                }
            )
        schema = probatio.Schema(
            {
                probatio.Required(
                    CONF_PUBLISH_INTERVAL,
                    default=entry_publish_interval(self.config_entry),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_PUBLISH_INTERVAL_S,
                        max=MAX_PUBLISH_INTERVAL_S,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                **activity_options_schema(self.config_entry.options),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
