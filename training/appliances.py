"""Classify appliances by what their use says about a person being active.

Every channel a dataset names is matched to an `ApplianceKind` (kettle, fridge,
television...), and each kind carries its `ApplianceClass` and the power that
means "switched on". Dataset names come from the datasets' own documentation
(each reader holds its dataset's table); free-form names (REDD and UK-DALE `labels.dat`,
Home Assistant entities) go through `kind_of`, a keyword matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re


class ApplianceClass(StrEnum):
    """Name what an appliance's power tells about human activity."""

    # Switched on by a person who is at home and awake, for a short bounded time.
    ACTIVITY = "activity"
    # Started by a person, then runs alone: only the first minutes count.
    START_ONLY = "start_only"
    # Driven by a thermostat, a timer or a tariff signal, or always on.
    BACKGROUND = "background"
    # Unknown or mixed circuits: masked out of labels and scores.
    AMBIGUOUS = "ambiguous"


class ApplianceKind(StrEnum):
    """Name the kinds of appliance the labelling rules tell apart."""

    KETTLE = "kettle"
    TOASTER = "toaster"
    MICROWAVE = "microwave"
    OVEN = "oven"
    HOB = "hob"
    COOKER = "cooker"
    COFFEE_MACHINE = "coffee_machine"
    FOOD_MIXER = "food_mixer"
    SMALL_COOKING = "small_cooking"
    KITCHEN_CIRCUIT = "kitchen_circuit"
    TELEVISION = "television"
    HIFI = "hifi"
    GAMES_CONSOLE = "games_console"
    COMPUTER = "computer"
    LIGHT = "light"
    HAIR_CARE = "hair_care"
    IRON = "iron"
    VACUUM = "vacuum"
    ELECTRIC_SHOWER = "electric_shower"
    INSTANT_WATER_HEATER = "instant_water_heater"
    WORKSHOP_TOOL = "workshop_tool"
    PRINTER = "printer"
    WASHING_MACHINE = "washing_machine"
    DISHWASHER = "dishwasher"
    TUMBLE_DRYER = "tumble_dryer"
    WASHER_DRYER = "washer_dryer"
    LAUNDRY_CIRCUIT = "laundry_circuit"
    FRIDGE = "fridge"
    FREEZER = "freezer"
    STORAGE_WATER_HEATER = "storage_water_heater"
    SPACE_HEATER = "space_heater"
    HEAT_PUMP = "heat_pump"
    FURNACE = "furnace"
    BOILER = "boiler"
    DEHUMIDIFIER = "dehumidifier"
    NETWORK = "network"
    CHARGER = "charger"
    PUMP = "pump"
    ALWAYS_ON = "always_on"
    BREAD_MAKER = "bread_maker"
    FAN = "fan"
    AIR_CONDITIONING = "air_conditioning"
    SOCKETS = "sockets"
    SUBPANEL = "subpanel"
    MAINS = "mains"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class KindSpec:
    """Hold how one appliance kind is labelled and what power is plausible for it.

    An appliance is on when its power exceeds `on_threshold_w`, and also exceeds
    its own standby level (a low percentile of the day) by `above_standby_w`
    when that is set: media and computers idle at a few to a hundred watts, so
    only the rise above their own standby shows someone using them.
    `max_plausible_w` and `min_typical_on_w` drive the signature check that
    catches monitors moved to another appliance.
    """

    appliance_class: ApplianceClass
    on_threshold_w: float
    above_standby_w: float | None = None
    max_plausible_w: float | None = None
    min_typical_on_w: float | None = None


_A = ApplianceClass.ACTIVITY
_S = ApplianceClass.START_ONLY
_B = ApplianceClass.BACKGROUND
_X = ApplianceClass.AMBIGUOUS

KIND_SPECS: dict[ApplianceKind, KindSpec] = {
    ApplianceKind.KETTLE: KindSpec(
        appliance_class=_A,
        on_threshold_w=500.0,
        min_typical_on_w=1000.0,
    ),
    ApplianceKind.TOASTER: KindSpec(
        appliance_class=_A,
        on_threshold_w=300.0,
        min_typical_on_w=500.0,
    ),
    ApplianceKind.MICROWAVE: KindSpec(
        appliance_class=_A,
        on_threshold_w=200.0,
        max_plausible_w=3300.0,
    ),
    ApplianceKind.OVEN: KindSpec(appliance_class=_A, on_threshold_w=300.0),
    ApplianceKind.HOB: KindSpec(appliance_class=_A, on_threshold_w=200.0),
    ApplianceKind.COOKER: KindSpec(appliance_class=_A, on_threshold_w=300.0),
    ApplianceKind.COFFEE_MACHINE: KindSpec(appliance_class=_A, on_threshold_w=400.0),
    ApplianceKind.FOOD_MIXER: KindSpec(appliance_class=_A, on_threshold_w=80.0),
    ApplianceKind.SMALL_COOKING: KindSpec(appliance_class=_A, on_threshold_w=300.0),
    ApplianceKind.KITCHEN_CIRCUIT: KindSpec(appliance_class=_A, on_threshold_w=300.0),
    ApplianceKind.TELEVISION: KindSpec(
        appliance_class=_A,
        on_threshold_w=15.0,
        above_standby_w=15.0,
        max_plausible_w=1500.0,
    ),
    ApplianceKind.HIFI: KindSpec(
        appliance_class=_A,
        on_threshold_w=10.0,
        above_standby_w=10.0,
        max_plausible_w=1500.0,
    ),
    ApplianceKind.GAMES_CONSOLE: KindSpec(
        appliance_class=_A,
        on_threshold_w=20.0,
        above_standby_w=15.0,
        max_plausible_w=1000.0,
    ),
    ApplianceKind.COMPUTER: KindSpec(
        appliance_class=_A,
        on_threshold_w=20.0,
        above_standby_w=20.0,
        max_plausible_w=1500.0,
    ),
    ApplianceKind.LIGHT: KindSpec(
        appliance_class=_A,
        on_threshold_w=10.0,
        above_standby_w=8.0,
    ),
    ApplianceKind.HAIR_CARE: KindSpec(appliance_class=_A, on_threshold_w=150.0),
    ApplianceKind.IRON: KindSpec(appliance_class=_A, on_threshold_w=300.0),
    ApplianceKind.VACUUM: KindSpec(appliance_class=_A, on_threshold_w=300.0),
    ApplianceKind.ELECTRIC_SHOWER: KindSpec(appliance_class=_A, on_threshold_w=2000.0),
    ApplianceKind.INSTANT_WATER_HEATER: KindSpec(
        appliance_class=_A,
        on_threshold_w=1000.0,
    ),
    ApplianceKind.WORKSHOP_TOOL: KindSpec(
        appliance_class=_A,
        on_threshold_w=30.0,
        above_standby_w=25.0,
    ),
    ApplianceKind.PRINTER: KindSpec(
        appliance_class=_A,
        on_threshold_w=30.0,
        above_standby_w=25.0,
    ),
    ApplianceKind.WASHING_MACHINE: KindSpec(appliance_class=_S, on_threshold_w=20.0),
    ApplianceKind.DISHWASHER: KindSpec(appliance_class=_S, on_threshold_w=20.0),
    ApplianceKind.TUMBLE_DRYER: KindSpec(appliance_class=_S, on_threshold_w=50.0),
    ApplianceKind.WASHER_DRYER: KindSpec(appliance_class=_S, on_threshold_w=20.0),
    # The UCI laundry sub-meter also feeds a refrigerator (about 70-150 W while
    # its compressor runs): only a washer or dryer heating passes this level.
    ApplianceKind.LAUNDRY_CIRCUIT: KindSpec(appliance_class=_S, on_threshold_w=400.0),
    ApplianceKind.FRIDGE: KindSpec(
        appliance_class=_B,
        on_threshold_w=30.0,
        max_plausible_w=1700.0,
    ),
    ApplianceKind.FREEZER: KindSpec(
        appliance_class=_B,
        on_threshold_w=30.0,
        max_plausible_w=1700.0,
    ),
    ApplianceKind.STORAGE_WATER_HEATER: KindSpec(
        appliance_class=_B,
        on_threshold_w=500.0,
    ),
    ApplianceKind.SPACE_HEATER: KindSpec(appliance_class=_B, on_threshold_w=300.0),
    ApplianceKind.HEAT_PUMP: KindSpec(appliance_class=_B, on_threshold_w=100.0),
    ApplianceKind.FURNACE: KindSpec(appliance_class=_B, on_threshold_w=50.0),
    ApplianceKind.BOILER: KindSpec(appliance_class=_B, on_threshold_w=30.0),
    ApplianceKind.DEHUMIDIFIER: KindSpec(appliance_class=_B, on_threshold_w=50.0),
    ApplianceKind.NETWORK: KindSpec(appliance_class=_B, on_threshold_w=5.0),
    ApplianceKind.CHARGER: KindSpec(appliance_class=_B, on_threshold_w=5.0),
    ApplianceKind.PUMP: KindSpec(appliance_class=_B, on_threshold_w=20.0),
    ApplianceKind.ALWAYS_ON: KindSpec(appliance_class=_B, on_threshold_w=5.0),
    ApplianceKind.BREAD_MAKER: KindSpec(appliance_class=_X, on_threshold_w=50.0),
    ApplianceKind.FAN: KindSpec(appliance_class=_X, on_threshold_w=10.0),
    ApplianceKind.AIR_CONDITIONING: KindSpec(appliance_class=_X, on_threshold_w=100.0),
    ApplianceKind.SOCKETS: KindSpec(appliance_class=_X, on_threshold_w=30.0),
    ApplianceKind.SUBPANEL: KindSpec(appliance_class=_X, on_threshold_w=30.0),
    ApplianceKind.MAINS: KindSpec(appliance_class=_X, on_threshold_w=30.0),
    ApplianceKind.UNKNOWN: KindSpec(appliance_class=_X, on_threshold_w=30.0),
}

# Order matters: the first pattern found anywhere in the lower-cased name
# wins, so compound names come before their parts ("hair dryer" before
# "dryer", "dishwasher" before "washer", "fridge freezer" stays a fridge,
# "plugs and lights" stays a socket circuit).
_KEYWORDS: tuple[tuple[str, ApplianceKind], ...] = (
    (r"\?\?\?|unknown|unmetered|misc", ApplianceKind.UNKNOWN),
    (r"mains|aggregate|whole[ _-]?house|site meter", ApplianceKind.MAINS),
    (r"sub[ _-]?panel", ApplianceKind.SUBPANEL),
    (r"plugs?\b|sockets?|outlets?|gfi|afci", ApplianceKind.SOCKETS),
    (r"hair|straightener|curling", ApplianceKind.HAIR_CARE),
    (r"washer[ _-]?dryer|washer_dryer", ApplianceKind.WASHER_DRYER),
    (r"dish[ _-]?wash", ApplianceKind.DISHWASHER),
    (r"tumble|clothes[ _-]?dryer|\bdryer", ApplianceKind.TUMBLE_DRYER),
    (r"washing|clothes[ _-]?washer|\bwasher", ApplianceKind.WASHING_MACHINE),
    (r"fridge|refrigerator|freezer|cooler", ApplianceKind.FRIDGE),
    (r"kettle", ApplianceKind.KETTLE),
    (r"toaster", ApplianceKind.TOASTER),
    (r"microwave", ApplianceKind.MICROWAVE),
    (r"coffee|espresso", ApplianceKind.COFFEE_MACHINE),
    (r"bread", ApplianceKind.BREAD_MAKER),
    (r"mixer|blender|magimix|k mix|food processor", ApplianceKind.FOOD_MIXER),
    (r"\bhob\b|cooktop|stove", ApplianceKind.HOB),
    (r"\boven\b|wall oven", ApplianceKind.OVEN),
    (r"cooker", ApplianceKind.COOKER),
    (r"kitchen appliances", ApplianceKind.SMALL_COOKING),
    (r"shower", ApplianceKind.ELECTRIC_SHOWER),
    (r"instant hot water", ApplianceKind.INSTANT_WATER_HEATER),
    (r"water[ _-]?heater|hot water|immersion", ApplianceKind.STORAGE_WATER_HEATER),
    (r"heat[ _-]?pump", ApplianceKind.HEAT_PUMP),
    (r"furnace|furance", ApplianceKind.FURNACE),
    (r"boiler", ApplianceKind.BOILER),
    (r"heater|electric[ _-]?heat|radiator|convector", ApplianceKind.SPACE_HEATER),
    (r"dehumidifier", ApplianceKind.DEHUMIDIFIER),
    (r"air[ _-]?condition|\bac\b", ApplianceKind.AIR_CONDITIONING),
    (r"router|modem|network|adsl|gige|hub|telco", ApplianceKind.NETWORK),
    (r"pump|fountain|vivarium|aquarium", ApplianceKind.PUMP),
    (r"smoke|alarm|baby[ _-]?monitor|data[ _-]?logger", ApplianceKind.ALWAYS_ON),
    (r"charger|tablet|ipad", ApplianceKind.CHARGER),
    (r"vacuum|hoover", ApplianceKind.VACUUM),
    (r"soldering|workbench", ApplianceKind.WORKSHOP_TOOL),
    (r"\biron\b", ApplianceKind.IRON),
    (r"printer", ApplianceKind.PRINTER),
    (r"games|console|playstation|xbox", ApplianceKind.GAMES_CONSOLE),
    (
        r"\btv\b|television|telly|htpc|entertainment|satellite|sky|dvd",
        ApplianceKind.TELEVISION,
    ),
    (
        r"hi-?fi|stereo|\bamp\b|amplifier|speaker|subwoofer|radio|audio|dab",
        ApplianceKind.HIFI,
    ),
    (r"computer|\bpc\b|laptop|desktop|monitor|lcd|electronics", ApplianceKind.COMPUTER),
    (r"light|lamp|lighting", ApplianceKind.LIGHT),
    (r"\bfan\b|exhaust|\bvent\b", ApplianceKind.FAN),
)

_COMPILED = tuple((re.compile(pattern), kind) for pattern, kind in _KEYWORDS)


def kind_of(name: str) -> ApplianceKind:
    """Return the appliance kind a dataset's channel name describes."""
    text = re.sub(r"[_()/]+", " ", name.lower())
    for pattern, kind in _COMPILED:
        if pattern.search(text):
            return kind
    return ApplianceKind.UNKNOWN


def class_of(kind: ApplianceKind) -> ApplianceClass:
    """Return the labelling class of an appliance kind."""
    return KIND_SPECS[kind].appliance_class
