"""Check that a real power series, however damaged, never gives a non-finite feature.

The batch path (`features_for_series`, what training runs) is fed a real REFIT
house with gaps, spikes, negative and non-finite readings, clock jumps either
way, unknown tariff flags and absurd energy indexes mixed in.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st
import numpy as np

from custom_components.linky_activity.activity.features import (
    FEATURE_NAMES,
    features_for_series,
)

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "activity"
    / "refit_House_2_2015-01-08_06-10.csv"
)
_ROWS = np.genfromtxt(FIXTURE, delimiter=",", skip_header=1, usecols=(1, 2))
TIMES = _ROWS[:, 0]
# REFIT gives active power; a plausible power factor turns it into VA.
POWER_VA = np.round(_ROWS[:, 1] / 0.95)
N = len(TIMES)

_bad_power = st.sampled_from([np.nan, np.inf, -np.inf, -250.0, 0.0, 1e300, 36_000.0])
_bad_energy = st.sampled_from([np.nan, np.inf, -1.0, 0.0, 1e18, 9.99e8])
_spans = st.tuples(st.integers(0, N - 1), st.integers(1, 200))


def _damage_power(damage: list[tuple[tuple[int, int], float]]) -> np.ndarray:
    """Return the real power with runs of bad readings written over it."""
    power = POWER_VA.copy()
    for (start, length), value in damage:
        power[start : start + length] = value
    return power


def _shift_clock(jumps: list[tuple[int, float]]) -> np.ndarray:
    """Return the real timestamps with the clock set forward or back at places."""
    times = TIMES.copy()
    for start, seconds in jumps:
        times[start:] += seconds
    return times


@settings(max_examples=120, deadline=None)
@given(
    power_damage=st.lists(st.tuples(_spans, _bad_power), max_size=6),
    clock_jumps=st.lists(
        st.tuples(
            st.integers(1, N - 1),
            st.sampled_from([-3.0, -30.0, -3600.0, 95.0, 86_400.0, -1e9]),
        ),
        max_size=3,
    ),
    offpeak=st.one_of(
        st.none(),
        st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=N, max_size=N),
    ),
    energy_damage=st.one_of(
        st.none(), st.lists(st.tuples(_spans, _bad_energy), max_size=4)
    ),
)
def test_a_damaged_real_series_never_gives_a_non_finite_feature(
    power_damage: list[tuple[tuple[int, int], float]],
    clock_jumps: list[tuple[int, float]],
    offpeak: list[float] | None,
    energy_damage: list[tuple[tuple[int, int], float]] | None,
) -> None:
    energy = None
    if energy_damage is not None:
        # An index that counts the real power, then spoiled in places.
        energy = 1e6 + np.cumsum(np.nan_to_num(POWER_VA) * 7.0 / 3600.0)
        for (start, length), value in energy_damage:
            energy[start : start + length] = value

    starts, matrix = features_for_series(
        _shift_clock(clock_jumps),
        _damage_power(power_damage),
        None if offpeak is None else np.asarray(offpeak),
        "Europe/Paris",
        energy,
    )

    assert matrix.shape == (len(starts), len(FEATURE_NAMES))
    assert np.isfinite(matrix).all()
    assert np.isfinite(starts).all()
    assert (starts % 60 == 0).all()
