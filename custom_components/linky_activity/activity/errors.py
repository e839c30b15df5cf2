"""Hold the errors the detection package raises on bad files and stored state."""

from __future__ import annotations


class ModelError(ValueError):
    """Signal a model file that cannot be used, with a message saying why."""


class StateError(ValueError):
    """Signal a stored learned state that is malformed or from an unknown version."""
