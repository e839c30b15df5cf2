"""Turn active power into the apparent power a meter shows, with a seeded power factor.

Datasets give active power (W); the Linky shows apparent power (VA). A home's
power factor is low at standby (electronics, chargers: 0.5-0.75) and close
to one when resistive loads run (kettle, heaters: 0.93-0.99). Each simulated
home draws its own pair and curve from a seeded generator, and every sample
gets a small jitter; the power factor never exceeds one, so VA >= W.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

JITTER = 0.005
LOWEST_PF = 0.3


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerFactorModel:
    """Hold one home's power-factor curve: from `standby_pf` up to `loaded_pf`."""

    standby_pf: float
    loaded_pf: float
    scale_w: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> PowerFactorModel:
        """Draw a plausible home."""
        return cls(
            standby_pf=float(rng.uniform(0.55, 0.75)),
            loaded_pf=float(rng.uniform(0.93, 0.99)),
            scale_w=float(rng.uniform(300.0, 800.0)),
        )

    def power_factor(
        self, active_w: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Return the power factor at each active power, jittered, within (0, 1]."""
        load = np.maximum(np.nan_to_num(active_w, nan=0.0), 0.0)
        curve = self.loaded_pf - (self.loaded_pf - self.standby_pf) * np.exp(
            -load / self.scale_w
        )
        jitter = rng.normal(0.0, JITTER, size=np.shape(active_w))
        factor: np.ndarray = np.clip(curve + jitter, LOWEST_PF, 1.0)
        return factor

    def apparent(self, active_w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Return apparent power in VA for active power in W (NaN stays NaN)."""
        apparent: np.ndarray = np.maximum(active_w, 0.0) / self.power_factor(
            active_w, rng
        )
        return apparent
