"""Learn a home's normal night-time load and flag sustained unusual night use.

The reference is the home itself (NIOM-style): while people sleep, only the
background runs. Each minute is compared with a local floor (the lowest
minute minimum of the last 45 minutes), which follows slow level changes,
so the question becomes "did something switch on and stay on?". A switch-on
(an episode of at least 250 VA over the floor) is background, not activity,
when:

- it starts within 20 minutes of the off-peak period's start (the storage
  water heater switched by the tariff contact);
- it happens in off-peak with the size of the long (15 minutes or more)
  and steady off-peak episodes this home had on earlier nights (the same heater
  reheating later in the night);
- at least two episodes of the same size (within 25 %) happened in the
  previous three hours (a thermostat cycling a convector);
- loads of the same size ran inside the night window on at least five of
  the last 14 nights (a routine, or an appliance on a night timer).

A load switched on over a running one (an upward step of at least half the
running one's size) is sized and judged on its own. What remains counts as
night activity when, inside the night window, its own excess stays above the
learned threshold for `sustain_minutes` minutes in a row.

The threshold comes from the last 14 nights: the 80th percentile of each
night's highest sustained excess that was neither background nor flagged,
with a margin, capped at 3000 VA, so that a few eventful nights cannot blind
the reference. Learning starts with the first night; until three nights are
known the threshold stays at least 1500 VA so a new home does not alarm on
its usual loads.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from .errors import StateError
from .features import NO_MINUTE, low_percentile, resolve_timezone
from .stored import stored_int, stored_number, stored_version

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

STATE_VERSION: Final = 1
MINUTES_PER_DAY: Final = 1440
LOCAL_FLOOR_MINUTES: Final = 45
EPISODE_VA: Final = 250.0
OFFPEAK_START_GRACE_MIN: Final = 20.0
SAME_SIZE_TOLERANCE: Final = 0.25
REPEAT_LOOKBACK_MIN: Final = 180
REPEAT_COUNT: Final = 2
RECENT_EPISODES: Final = 16
MAX_OFFPEAK_EPISODES: Final = 32
HEATER_MIN_MINUTES: Final = 15
MAX_NIGHT_EPISODES: Final = 16
USUAL_NIGHTS: Final = 5
# A heating element draws a steady power; cooking and people make it vary.
STEADY_SHARE: Final = 0.7
NIGHTS_KEPT: Final = 14
NIGHTS_TO_LEARN: Final = 3
NIGHT_QUANTILE: Final = 80.0
MIN_EXCESS_VA: Final = 300.0
LEARNING_EXCESS_VA: Final = 1500.0
MAX_EXCESS_VA: Final = 3000.0
EXCESS_OFFSET_VA: Final = 150.0
# A night counts only if at least this share of its minutes was seen.
MIN_NIGHT_COVERAGE: Final = 0.5
MAX_VA: Final = 1_000_000.0


@dataclass(frozen=True, slots=True, kw_only=True)
class NightWindow:
    """Hold the local night window; `end_min` before `start_min` spans midnight."""

    start_min: int = 0
    end_min: int = 360

    def __post_init__(self) -> None:
        """Refuse windows outside the day or of zero length."""
        if not (0 <= self.start_min < MINUTES_PER_DAY):
            raise ValueError("night window start must be within 0..1439 minutes")
        if not (0 <= self.end_min < MINUTES_PER_DAY):
            raise ValueError("night window end must be within 0..1439 minutes")
        if self.start_min == self.end_min:
            raise ValueError("night window must not be empty")

    @property
    def duration_min(self) -> int:
        """Return the window's length in minutes."""
        return (self.end_min - self.start_min) % MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class NightSummary:
    """Hold what one finished night taught: floor, peak excess, heater size."""

    floor_va: float
    peak_excess_va: float
    offpeak_episode_va: float
    minutes: int
    episode_sizes: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NightStatus:
    """Hold the night baseline's verdict on one minute."""

    in_window: bool
    night_activity: bool
    excess_va: float
    deviation: float
    threshold_va: float
    baseline_va: float
    background: str | None


@dataclass(slots=True)
class _Episode:
    """Follow one switch-on above the local floor while it lasts."""

    start_minute: int
    offpeak: bool | None
    offpeak_elapsed_min: float
    base_va: float = 0.0
    minutes: int = 0
    first_sum: float = 0.0
    size_va: float = 0.0
    first_va: float = 0.0
    steady_minutes: int = 0
    background: str | None = None
    decided: bool = False


class NightBaseline:
    """Learn the night reference without labels and judge each minute against it."""

    def __init__(
        self,
        window: NightWindow | None = None,
        timezone: str = "UTC",
        *,
        sustain_minutes: int = 3,
        sensitivity: float = 0.5,
    ) -> None:
        """Start with nothing learned for the given window and zone."""
        if sustain_minutes < 1:
            raise ValueError("sustain_minutes must be at least 1")
        if not 0.0 <= sensitivity <= 1.0:
            raise ValueError("sensitivity must be within 0..1")
        self.window = window or NightWindow()
        self.timezone = timezone
        self.sustain_minutes = sustain_minutes
        self.sensitivity = sensitivity
        self._zone: ZoneInfo = resolve_timezone(timezone)
        self._nights: deque[NightSummary] = deque(maxlen=NIGHTS_KEPT)
        self._refresh_learned()
        self._reset_short_term()

    def _reset_short_term(self) -> None:
        """Forget the recent minutes and the current night; keep learned nights."""
        self._last_minute = -1
        self._floor_minute = [NO_MINUTE] * LOCAL_FLOOR_MINUTES
        self._floor_value = [0.0] * LOCAL_FLOOR_MINUTES
        self._episode: _Episode | None = None
        self._under: _Episode | None = None
        self._previous_excess = 0.0
        self._recent: deque[tuple[int, float]] = deque(maxlen=RECENT_EPISODES)
        self._above_run = 0
        self._last_excess: deque[float] = deque(maxlen=self.sustain_minutes)
        self._offpeak_sizes: list[float] = []
        self._night_sizes: list[float] = []
        self._in_window = False
        self._night_id: int | None = None
        self._night_minimums = np.zeros(self.window.duration_min, dtype=np.float64)
        self._night_count = 0
        self._night_peak = 0.0

    @property
    def nights_learned(self) -> int:
        """Return how many nights the reference holds."""
        return len(self._nights)

    @property
    def learning_progress(self) -> float:
        """Return 0..1, reaching 1 once enough nights are learned."""
        return min(1.0, len(self._nights) / NIGHTS_TO_LEARN)

    @property
    def baseline_va(self) -> float:
        """Return the learned night background (median of nightly floors)."""
        return self._baseline_va

    @property
    def threshold_va(self) -> float:
        """Return the night level above which sustained use counts as activity."""
        return self._baseline_va + self._excess_threshold

    @property
    def excess_threshold_va(self) -> float:
        """Return the excess over the local floor that counts as unusual."""
        return self._excess_threshold

    def _refresh_learned(self) -> None:
        """Recompute the reference from the nights kept."""
        nights = list(self._nights)
        if not nights:
            self._baseline_va = 0.0
            self._heater_va = 0.0
            self._excess_threshold = LEARNING_EXCESS_VA
            return
        floors = np.array([n.floor_va for n in nights], dtype=np.float64)
        peaks = np.array([n.peak_excess_va for n in nights], dtype=np.float64)
        self._baseline_va = float(np.median(floors))
        heaters = [n.offpeak_episode_va for n in nights if n.offpeak_episode_va > 0]
        self._heater_va = float(np.median(heaters)) if len(heaters) >= 2 else 0.0
        margin = 1.5 - 0.5 * self.sensitivity
        typical = low_percentile(peaks, NIGHT_QUANTILE)
        threshold = min(
            MAX_EXCESS_VA, max(MIN_EXCESS_VA, typical * margin + EXCESS_OFFSET_VA)
        )
        if len(nights) < NIGHTS_TO_LEARN:
            threshold = max(threshold, LEARNING_EXCESS_VA)
        self._excess_threshold = threshold

    def update(
        self,
        minute_start_s: float,
        va_mean: float,
        va_min: float,
        offpeak: bool | None,
        offpeak_elapsed_min: float,
        *,
        step_up_va: float = 0.0,
    ) -> NightStatus:
        """Judge one finished minute and learn from it.

        `step_up_va` is the minute's largest upward step (the feature
        `step_up_max_va`): it tells a new switch-on over a running load.
        """
        minute = int(minute_start_s // 60)
        va_mean = float(va_mean)
        va_min = float(va_min)
        offpeak_elapsed_min = float(offpeak_elapsed_min)
        if minute <= self._last_minute:
            # The clock went back: what was building is not trustworthy.
            self._reset_short_term()
        self._last_minute = minute

        in_window, night_id = self._locate(minute)
        self._in_window = in_window
        if self._night_id is not None and (night_id != self._night_id or not in_window):
            self._finish_night()

        excess = max(0.0, va_mean - self._local_floor(minute, va_min))
        episode = self._track_episode(
            minute, excess, offpeak, offpeak_elapsed_min, step_up_va
        )
        self._previous_excess = excess
        background = episode.background if episode is not None else None
        # A load on top of a running one is judged by its own size only.
        own = excess - episode.base_va if episode is not None else excess

        threshold = self._excess_threshold
        self._above_run = self._above_run + 1 if own > threshold else 0
        night_activity = (
            in_window
            and self._above_run >= self.sustain_minutes
            and episode is not None
            and episode.decided
            and background is None
        )

        if in_window:
            # A flagged event does not teach the threshold anything: a few
            # eventful nights would otherwise hide the next ones. Loads that
            # come back night after night become usual by their size instead.
            learned = 0.0 if background or night_activity else own
            self._learn_minute(night_id, va_min, learned)
        return NightStatus(
            in_window=in_window,
            night_activity=night_activity,
            excess_va=excess,
            deviation=own / threshold,
            threshold_va=self.threshold_va,
            baseline_va=self._baseline_va,
            background=background,
        )

    def _locate(self, minute: int) -> tuple[bool, int]:
        """Return whether a minute is in the night window, and which night."""
        local = datetime.fromtimestamp(minute * 60, self._zone)
        of_day = local.hour * 60 + local.minute
        since_start = (of_day - self.window.start_min) % MINUTES_PER_DAY
        night_id = local.date().toordinal() - (
            1 if of_day < self.window.start_min else 0
        )
        return since_start < self.window.duration_min, night_id

    def _local_floor(self, minute: int, va_min: float) -> float:
        """Record this minute's minimum and return the lowest of recent minutes."""
        slot = minute % LOCAL_FLOOR_MINUTES
        self._floor_minute[slot] = minute
        self._floor_value[slot] = va_min
        oldest = minute - LOCAL_FLOOR_MINUTES
        return min(
            value
            for stamp, value in zip(self._floor_minute, self._floor_value, strict=True)
            if stamp > oldest
        )

    def _track_episode(
        self,
        minute: int,
        excess: float,
        offpeak: bool | None,
        offpeak_elapsed_min: float,
        step_up_va: float,
    ) -> _Episode | None:
        """Follow switch-ons; decide once sized whether they are background."""
        episode = self._episode
        if excess < EPISODE_VA:
            for ended in (episode, self._under):
                if ended is not None:
                    self._end_episode(ended)
            self._episode = self._under = None
            return None
        under = self._under
        if (
            episode is not None
            and under is not None
            and excess - episode.base_va < (EPISODE_VA)
        ):
            # The load on top went off: the one underneath is what remains.
            self._end_episode(episode)
            episode, self._under = under, None
        elif (
            episode is not None
            and episode.decided
            and (excess > _step_above(episode) or step_up_va >= _switch_on(episode))
        ):
            # Something switched on over a running load: it is sized from the
            # level just before and judged on its own.
            self._under = episode
            episode = _Episode(
                minute,
                offpeak,
                offpeak_elapsed_min,
                base_va=min(self._previous_excess, excess - step_up_va / 2.0),
            )
        if episode is None:
            episode = _Episode(minute, offpeak, offpeak_elapsed_min)
        self._episode = episode
        own = excess - episode.base_va
        episode.minutes += 1
        if episode.decided:
            if _same_size(own, episode.size_va):
                episode.steady_minutes += 1
        else:
            if episode.minutes == 1:
                episode.first_va = own
            episode.first_sum += own
            if episode.minutes >= self.sustain_minutes:
                self._decide(episode)
        return episode

    def _decide(self, episode: _Episode) -> None:
        """Size an episode and say whether a timer, tariff or thermostat explains it."""
        if episode.minutes > 1:
            # The first minute is usually partial: the switch-on is inside it.
            size = (episode.first_sum - episode.first_va) / (episode.minutes - 1)
        else:
            size = episode.first_sum
        episode.size_va = size
        episode.decided = True
        if episode.offpeak:
            if episode.offpeak_elapsed_min <= OFFPEAK_START_GRACE_MIN:
                episode.background = "offpeak_start"
            elif self._heater_va and _same_size(size, self._heater_va):
                episode.background = "offpeak_heater"
        if episode.background is None:
            since = episode.start_minute - REPEAT_LOOKBACK_MIN
            similar = sum(
                1
                for start, other in self._recent
                if start >= since and _same_size(size, other)
            )
            if similar >= REPEAT_COUNT:
                episode.background = "cycling"
        if episode.background is None and self._usual_at_night(size):
            episode.background = "usual"
        if (
            self._in_window
            and episode.background in {None, "usual"}
            and len(self._night_sizes) < MAX_NIGHT_EPISODES
        ):
            self._night_sizes.append(size)
        self._recent.append((episode.start_minute, size))

    def _usual_at_night(self, size: float) -> bool:
        """Return whether loads of this size ran on enough of the recent nights."""
        nights = sum(
            1
            for night in self._nights
            if any(_same_size(size, other) for other in night.episode_sizes)
        )
        return nights >= USUAL_NIGHTS

    def _end_episode(self, episode: _Episode) -> None:
        """Remember an ended episode: short ones for cycling, long off-peak ones."""
        if not episode.decided:
            self._recent.append(
                (episode.start_minute, episode.first_sum / episode.minutes)
            )
        elif (
            episode.offpeak
            and episode.minutes >= HEATER_MIN_MINUTES
            and episode.steady_minutes >= STEADY_SHARE * episode.minutes
            and len(self._offpeak_sizes) < MAX_OFFPEAK_EPISODES
        ):
            self._offpeak_sizes.append(episode.size_va)

    def _learn_minute(self, night_id: int, va_min: float, excess: float) -> None:
        """Add one in-window minute to the night being learned."""
        if self._night_id != night_id:
            self._night_id = night_id
            self._night_count = 0
            self._night_peak = 0.0
            self._last_excess.clear()
        if self._night_count < self._night_minimums.size:
            self._night_minimums[self._night_count] = va_min
            self._night_count += 1
        self._last_excess.append(excess)
        if len(self._last_excess) == self.sustain_minutes:
            self._night_peak = max(self._night_peak, min(self._last_excess))

    def _finish_night(self) -> None:
        """Turn the night just ended into a summary if enough of it was seen."""
        count = self._night_count
        if count >= MIN_NIGHT_COVERAGE * self.window.duration_min:
            floor = low_percentile(self._night_minimums[:count], 5.0)
            sizes = self._offpeak_sizes
            heater = float(np.median(sizes)) if sizes else 0.0
            self._nights.append(
                NightSummary(
                    floor, self._night_peak, heater, count, tuple(self._night_sizes)
                )
            )
            self._refresh_learned()
        self._night_id = None
        self._night_count = 0
        self._night_peak = 0.0
        self._offpeak_sizes = []
        self._night_sizes = []

    def to_dict(self) -> dict[str, Any]:
        """Return the learned nights as a plain, versioned dict."""
        return {
            "version": STATE_VERSION,
            "nights": [
                {
                    "floor_va": round(n.floor_va, 1),
                    "peak_excess_va": round(n.peak_excess_va, 1),
                    "offpeak_episode_va": round(n.offpeak_episode_va, 1),
                    "minutes": n.minutes,
                    "episode_sizes_va": [round(v, 1) for v in n.episode_sizes],
                }
                for n in self._nights
            ],
        }

    @classmethod
    def from_dict(
        cls,
        data: Any,  # noqa: ANN401
        window: NightWindow | None = None,
        timezone: str = "UTC",
        *,
        sustain_minutes: int = 3,
        sensitivity: float = 0.5,
    ) -> NightBaseline:
        """Restore learned nights from `to_dict`; raise StateError if malformed."""
        data = stored_version(data, STATE_VERSION, "night baseline")
        nights = data.get("nights")
        if not isinstance(nights, list) or len(nights) > NIGHTS_KEPT:
            raise StateError("night baseline: bad nights list")
        baseline = cls(
            window,
            timezone,
            sustain_minutes=sustain_minutes,
            sensitivity=sensitivity,
        )
        for night in nights:
            baseline._nights.append(_night_from_dict(night))
        baseline._refresh_learned()
        return baseline


def _night_from_dict(night: Any) -> NightSummary:  # noqa: ANN401
    """Check and rebuild one stored night summary."""
    if not isinstance(night, dict):
        raise StateError("night baseline: a night is not a dict")
    return NightSummary(
        stored_number(night.get("floor_va"), "night floor_va", 0.0, MAX_VA),
        stored_number(night.get("peak_excess_va"), "night peak_excess_va", 0.0, MAX_VA),
        stored_number(
            night.get("offpeak_episode_va"), "night offpeak_episode_va", 0.0, MAX_VA
        ),
        stored_int(night.get("minutes"), "night minutes", 0, MINUTES_PER_DAY),
        tuple(
            stored_number(v, "night episode size", 0.0, MAX_VA)
            for v in _stored_list(night.get("episode_sizes_va"), MAX_NIGHT_EPISODES)
        ),
    )


def _stored_list(value: Any, limit: int) -> list[Any]:  # noqa: ANN401
    """Return a stored list of at most `limit` items; raise StateError if not."""
    if not isinstance(value, list) or len(value) > limit:
        raise StateError("night baseline: bad episode list")
    return value


def _step_above(episode: _Episode) -> float:
    """Return the excess beyond which a new switch-on starts inside an episode."""
    return episode.base_va + episode.size_va + max(EPISODE_VA, 0.5 * episode.size_va)


def _switch_on(episode: _Episode) -> float:
    """Return the upward step that counts as a new load over a running episode."""
    return max(EPISODE_VA, 0.5 * episode.size_va)


def _same_size(size: float, other: float) -> bool:
    """Return whether two switch-on sizes are within the same-size tolerance."""
    return abs(size - other) <= SAME_SIZE_TOLERANCE * max(size, other)
